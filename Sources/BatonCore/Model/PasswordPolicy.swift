/// What a password must be: 8 to 1024 characters, never truncated. Checked before any hashing work.
public enum PasswordPolicy {
    public static let minLength = 8
    public static let maxLength = 1024

    public static func validate(_ password: String) throws(BatonError) {
        let length = password.unicodeScalars.count
        guard length >= minLength, length <= maxLength else {
            throw .invalidInput("password must be \(minLength) to \(maxLength) characters long")
        }
    }
}
