import Logging
import ServiceLifecycle

/// Serves the endpoint until graceful shutdown, then stops accepting and closes every connection.
struct HTTPServerService: Service {
    let server: HTTPServer
    let logger: Logger

    func run() async throws {
        try server.start()
        try? await gracefulShutdown()
        server.stop()
        logger.info("endpoint stopped")
    }
}
