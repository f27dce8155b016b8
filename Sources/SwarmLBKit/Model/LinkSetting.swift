/// One setting of a device's kind (`vxlan id 4097`, `bridge_slave state forwarding`) as
/// `ip -d link show` prints it: `text` is its exact words there ("" for what only `ip -j` shows),
/// `key` and `value` what JSON carries (iproute2's `ip -j -d` names).
public struct LinkSetting: Hashable, Sendable {
    public enum Value: Hashable, Sendable {
        case number(UInt64)
        case text(String)
        case flag(Bool)
    }

    public var key: String
    public var value: Value
    public var text: String

    public init(_ key: String, _ value: Value, text: String) {
        self.key = key
        self.value = value
        self.text = text
    }
}

/// A kind's settings in iproute2's printing order; JSON: one object, a member per setting.
public struct LinkSettings: Hashable, Sendable, Encodable {
    public var settings: [LinkSetting] = []

    public init(_ settings: [LinkSetting] = []) { self.settings = settings }

    public var isEmpty: Bool { settings.isEmpty }

    public func value(_ key: String) -> LinkSetting.Value? { settings.first { $0.key == key }?.value }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for s in settings {
            let k = Key(stringValue: s.key)
            switch s.value {
            case .number(let n): try c.encode(n, forKey: k)
            case .text(let t): try c.encode(t, forKey: k)
            case .flag(let b): try c.encode(b, forKey: k)
            }
        }
    }
}
