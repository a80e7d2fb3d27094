import SlipwayTargets

extension LocalEnvironment {
    /// The local environment an environment spec names: its files under
    /// `<state>/local/<name>/`, users on `port`, HAProxy's stats and Prometheus exporter on `port + 1000`.
    public static func forSpec(name: String, port: Int, stateDirectory: String) -> LocalEnvironment {
        LocalEnvironment(name: name, directory: "\(stateDirectory)/local/\(name)", listenPort: port, statsPort: port + 1000)
    }
}
