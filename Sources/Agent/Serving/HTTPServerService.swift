import Logging
import ServiceLifecycle

/// Serves the endpoint until graceful shutdown, then stops accepting and closes every connection.
struct HTTPServerService: Service {
    let server: HTTPServer
    /// What to say once the server accepts: tests and operators wait for this line.
    let readyMessage: Logger.Message
    let logger: Logger

    func run() async throws {
        try server.start()
        // Logged from here, not before the group runs: by now the group traps SIGTERM, so whoever waits
        // for this line may stop the agent at once.
        logger.info(readyMessage)
        try? await gracefulShutdown()
        server.stop()
        logger.info("endpoint stopped")
    }
}
