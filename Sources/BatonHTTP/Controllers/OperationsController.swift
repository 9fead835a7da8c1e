import BatonCore
import Foundation
import Hummingbird

/// `/healthz`, `/readyz` and `/openapi.yaml`.
struct OperationsController: Sendable {
    let isReady: @Sendable () async -> Bool
    let metrics: BatonMetrics
    let openAPIDocument: ByteBuffer

    func register(on router: Router<BatonRequestContext>) {
        router.get("/healthz") { _, _ in Self.status("ok") }
        router.get("/readyz") { _, _ in
            guard await isReady() else { throw APIError.unavailable("not ready") }
            return Self.status("ready")
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition()))
            )
        }
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: openAPIDocument))
        }
    }

    static func status(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"\(text)\"}")))
    }
}
