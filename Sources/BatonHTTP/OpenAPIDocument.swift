import Foundation
import Hummingbird

/// The hand-written contract, shipped inside the binary and served at `/openapi.yaml`.
public enum OpenAPIDocument {
    public static func bundled() throws -> ByteBuffer {
        guard let data = EmbeddedFiles.contents(of: "openapi.yaml") else { throw APIError.unexpected }
        return ByteBuffer(bytes: data)
    }
}
