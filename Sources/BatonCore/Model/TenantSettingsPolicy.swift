/// The allowed ranges of tenant settings, checked whenever settings are created or changed.
public enum TenantSettingsPolicy {
    static let day = 86_400
    public static let accessTokenTTL = 60...86_400
    public static let refreshIdleTTL = 60...(400 * day)
    public static let refreshAbsoluteTTL = 60...(400 * day)
    public static let reuseGrace = 0...300
    /// 0 turns scheduled rotation off.
    public static let keyRotationInterval = 3_600...(400 * day)
    public static let jwksMaxAge = 0...(7 * day)
    /// 0: no cap.
    public static let maxSessionsPerUser = 0...1_000
    public static let maxAudiences = 20
    public static let maxAudienceLength = 256

    public static func validate(_ settings: TenantSettings) throws(BatonError) {
        try check("access_token_ttl", settings.accessTokenTTL, in: accessTokenTTL)
        try check("refresh_idle_ttl", settings.refreshIdleTTL, in: refreshIdleTTL)
        try check("refresh_absolute_ttl", settings.refreshAbsoluteTTL, in: refreshAbsoluteTTL)
        try check("reuse_grace", settings.reuseGrace, in: reuseGrace)
        try check("jwks_max_age", settings.jwksMaxAge, in: jwksMaxAge)
        guard maxSessionsPerUser.contains(settings.maxSessionsPerUser) else {
            throw .invalidInput("max_sessions_per_user must be between 0 (no cap) and \(maxSessionsPerUser.upperBound)")
        }
        if settings.keyRotationInterval != 0 {
            try check("key_rotation_interval", settings.keyRotationInterval, in: keyRotationInterval, zeroAllowed: true)
            // A pending key must be published for jwks_max_age before it signs, so a shorter interval could never rotate safely.
            guard settings.keyRotationInterval > settings.jwksMaxAge else {
                throw .invalidInput("key_rotation_interval must be longer than jwks_max_age (or 0 to turn scheduled rotation off)")
            }
        }
        guard settings.refreshIdleTTL <= settings.refreshAbsoluteTTL else {
            throw .invalidInput("refresh_idle_ttl must not exceed refresh_absolute_ttl")
        }
        guard settings.audiences.count <= maxAudiences else {
            throw .invalidInput("audiences may hold at most \(maxAudiences) entries")
        }
        for audience in settings.audiences {
            guard !audience.isEmpty, audience.count <= maxAudienceLength,
                audience.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && DisplayName.isPrintable($0) })
            else {
                throw .invalidInput("each audience must be 1 to \(maxAudienceLength) visible characters without spaces")
            }
        }
        guard Set(settings.audiences).count == settings.audiences.count else {
            throw .invalidInput("audiences must not repeat")
        }
    }

    /// `value` (nil: not set, nothing to check) within `range`.
    static func check(_ name: String, _ value: Int?, in range: ClosedRange<Int>, zeroAllowed: Bool = false) throws(BatonError) {
        guard let value, !range.contains(value) else { return }
        let zero = zeroAllowed ? " (or 0 to turn it off)" : ""
        throw .invalidInput("\(name) must be between \(range.lowerBound) and \(range.upperBound) seconds\(zero)")
    }
}
