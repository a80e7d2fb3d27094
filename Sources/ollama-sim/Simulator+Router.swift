import Hummingbird

extension Simulator {
    /// Every route the simulator serves.
    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/") { _, _ in "Ollama is running" }
        router.head("/") { _, _ in Response(status: .ok) }
        router.post("/api/generate") { request, _ in await SimResponse.handle { try await generate(request) } }
        router.post("/api/chat") { request, _ in await SimResponse.handle { try await chat(request) } }
        router.post("/api/embed") { request, _ in await SimResponse.handle { try await embed(request) } }
        router.get("/api/tags") { _, _ in await SimResponse.handle { try await tags() } }
        router.post("/api/show") { request, _ in await SimResponse.handle { try await show(request) } }
        router.get("/api/ps") { _, _ in await SimResponse.handle { try await ps() } }
        router.post("/api/pull") { request, _ in await SimResponse.handle { try await pull(request) } }
        router.post("/api/create") { request, _ in await SimResponse.handle { try await create(request) } }
        router.delete("/api/delete") { request, _ in await SimResponse.handle { try await delete(request) } }
        router.get("/api/version") { _, _ in await SimResponse.handle { try versionResponse() } }
        router.get("/sim/stats") { _, _ in await SimResponse.handle { try SimResponse.json(await statistics.current()) } }
        return router
    }
}
