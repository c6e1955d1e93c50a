import WriftAIModels

/// Number semantics of JSON Schema on JSON's one number type: integers are numbers without a fraction
/// (`1.0` is an integer), and `multipleOf` is decided on the numbers' decimal values, as written.
enum JSONNumber {
    /// Whether `value` has no fractional part (`1` and `1.0` both do not).
    static func isInteger(_ value: Double) -> Bool {
        value.isFinite && value.rounded(.towardZero) == value
    }

    /// `value` as JSON text: integral values without a fraction (`3`, not `3.0`), others in their
    /// shortest round-trip form (`0.1`, `1e-07`).
    static func text(_ value: Double) -> String {
        if let integer = JSONValue.exactInteger(value) {
            return String(integer)
        }
        return "\(value)"
    }

    /// Whether `value` divided by `divisor` (positive) is an integer.
    ///
    /// Decided exactly on the decimal numbers the two doubles print as (their shortest round-trip form,
    /// which is what a JSON text of up to 15 significant digits parses back to), so that `0.3` is a
    /// multiple of `0.1` although the binary doubles are not. Python's `jsonschema` divides the doubles
    /// instead and says no there.
    static func isMultiple(_ value: Double, of divisor: Double) -> Bool {
        guard value != 0 else { return true }
        guard let numerator = Decimal(value.magnitude), let denominator = Decimal(divisor.magnitude),
            denominator.significand != 0
        else { return false }
        if numerator.exponent >= denominator.exponent {
            // numerator × 10^shift must be a multiple of the denominator's significand.
            let shift = numerator.exponent - denominator.exponent
            let modulus = UInt128(denominator.significand)
            let power = powerOfTen(shift, modulo: modulus)
            return (UInt128(numerator.significand) % modulus) * power % modulus == 0
        }
        // The numerator's significand must be a multiple of the denominator's significand × 10^shift,
        // which exceeds it (so cannot divide it) once the shift is past its digits.
        let shift = denominator.exponent - numerator.exponent
        guard shift <= 19 else { return false }
        var scaled = UInt128(denominator.significand)
        for _ in 0..<shift { scaled *= 10 }
        return UInt128(numerator.significand) % scaled == 0
    }

    /// 10^exponent mod `modulus`, by repeated squaring in 128-bit arithmetic (each factor is below
    /// `modulus` < 10^19, so products stay below 2^128).
    private static func powerOfTen(_ exponent: Int, modulo modulus: UInt128) -> UInt128 {
        guard modulus > 1 else { return 0 }
        var result: UInt128 = 1
        var base: UInt128 = 10 % modulus
        var remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result = result * base % modulus }
            base = base * base % modulus
            remaining >>= 1
        }
        return result
    }

    /// A positive finite double as significand × 10^exponent, from its shortest round-trip text, with the
    /// significand's trailing zeros moved into the exponent.
    struct Decimal {
        var significand: UInt64
        var exponent: Int

        init?(_ value: Double) {
            guard value.isFinite, value > 0 else { return nil }
            var digits: UInt64 = 0
            var exponent = 0
            var seenPoint = false
            var text = Substring("\(value)")
            if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                guard let power = Int(text[text.index(after: e)...].replacingPlus()) else { return nil }
                exponent = power
                text = text[..<e]
            }
            for character in text {
                if character == "." {
                    seenPoint = true
                    continue
                }
                guard let digit = character.wholeNumberValue else { return nil }
                let (shifted, overflow1) = digits.multipliedReportingOverflow(by: 10)
                let (added, overflow2) = shifted.addingReportingOverflow(UInt64(digit))
                guard !overflow1, !overflow2 else { return nil }
                digits = added
                if seenPoint { exponent -= 1 }
            }
            guard digits > 0 else { return nil }
            while digits % 10 == 0 {
                digits /= 10
                exponent += 1
            }
            self.significand = digits
            self.exponent = exponent
        }
    }
}

extension Substring {
    /// The text without a leading `+`, which `Int.init` refuses.
    fileprivate func replacingPlus() -> Substring {
        first == "+" ? dropFirst() : self
    }
}
