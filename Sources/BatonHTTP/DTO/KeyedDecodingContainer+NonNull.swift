extension KeyedDecodingContainer {
    /// Like `decodeIfPresent`, but an explicit `null` is an error: a member is either absent or has a value.
    func decodeIfPresentNonNull<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value? {
        guard contains(key) else { return nil }
        return try decode(type, forKey: key)
    }
}

extension KeyedDecodingContainer {
    /// A member that `null` clears: absent is nil (leave as it is), `null` is `.some(nil)`, a value is that value.
    func decodeClearable<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value?? {
        guard contains(key) else { return nil }
        return try decodeNil(forKey: key) ? .some(nil) : .some(decode(type, forKey: key))
    }
}
