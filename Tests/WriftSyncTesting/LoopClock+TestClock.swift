import Controller

extension LoopClock {
    /// The loop's time in a test: it waits on `clock`, and its wall time moves with it.
    public static func test(_ clock: TestClock) -> LoopClock {
        LoopClock(clock: clock, now: { clock.date })
    }
}
