import WriftAIEmulator

extension EmulatorClock {
    /// The emulator's time in a test: it waits on `clock`, and its wall time moves with it.
    public static func test(_ clock: TestClock) -> EmulatorClock {
        EmulatorClock(clock: clock, now: { clock.date })
    }
}
