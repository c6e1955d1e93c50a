import JSONSchema

/// The tests' seeded random source is JSONSchema's ``SplitMix64`` (the one the value generator and the emulator's
/// faults use): these are the draws the tests make with it.
extension SplitMix64 {
    /// A value in `0..<count`.
    public mutating func below(_ count: Int) -> Int {
        Int(next() % UInt64(count))
    }

    /// True with probability `chance`.
    public mutating func chance(_ chance: Double) -> Bool {
        nextUnit() < chance
    }

    /// One of `choices`.
    public mutating func pick<T>(_ choices: [T]) -> T {
        choices[below(choices.count)]
    }

    /// The generator of case `index` of a run seeded with `seed`: any case can be replayed alone.
    public static func forCase(_ index: Int, seed: UInt64) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed ^ (UInt64(index) &* 0xD1B5_4A32_D192_ED03))
        return SplitMix64(seed: mixer.next())
    }
}
