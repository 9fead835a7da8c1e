/// How a request identified its client: HTTP Basic, body parameters, or a bare client_id (public clients).
public struct ClientCredentials: Sendable, Equatable {
    public enum Method: String, Sendable {
        case basic = "client_secret_basic"
        case post = "client_secret_post"
        case none
    }

    public let clientID: String
    public let secret: String?
    public let method: Method

    public init(clientID: String, secret: String?, method: Method) {
        self.clientID = clientID
        self.secret = secret
        self.method = method
    }
}
