/// Who can see a model.
public enum ModelVisibility: String, Codable, Sendable, Equatable, CaseIterable {
    /// Only the owner sees the model.
    case `private`
    /// Everyone can read the model; only the owner can change it.
    case `public`
}
