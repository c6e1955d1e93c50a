import Foundation

/// What a pacer knows about the server's rate-limit window and its own sending, as a plain value.
///
/// Whether a request may go now, and what an answer's headers teach, are pure functions of the ledger and
/// the time. A lone client keeps its ledger in memory; clients of several processes sharing a token keep one
/// ledger in a file (``SharedPacingFile``) and so continue each other's window instead of each starting with
/// a fresh bucket.
struct PacingLedger: Codable, Equatable, Sendable {
    /// The server's current window as last reported, minus what was sent since.
    struct Window: Codable, Equatable, Sendable {
        /// Unix time (seconds) at which the window ends.
        var reset: Double
        /// How many more requests may be sent before `reset`.
        var budget: Int
        /// Unix time of the answer that reported it, or of the last probe sent through it once used up (see
        /// ``PacingLedger/reserve(for:now:rules:exclusiveUntilKnown:)``); absent in older files.
        var observed: Double?

        init(reset: Double, budget: Int, observed: Double? = nil) {
            self.reset = reset
            self.budget = budget
            self.observed = observed
        }
    }

    /// The requests one pacer has in flight, and when it last said so.
    struct Holder: Codable, Equatable, Sendable {
        var inFlight: Int
        /// Unix time (seconds) of the holder's last update.
        var updated: Double

        enum CodingKeys: String, CodingKey {
            case inFlight = "in_flight"
            case updated
        }
    }

    /// The rules a pacer applies to the ledger; they belong to the pacer, not to the shared state.
    struct Rules: Sendable {
        /// Requests per second, `nil` for no rate.
        var rate: Double?
        /// How many requests may go back to back before the rate applies.
        var burst: Int
        /// Extra seconds to wait past a window's reset.
        var resetMargin: Double
        /// The longest wait for a window's reset, in seconds; a later reset is refused at once.
        var maxWindowWait: Double
    }

    /// May a request go now?
    enum Decision: Equatable, Sendable {
        /// Yes: it has been counted.
        case send
        /// Not before this many seconds.
        case wait(Double)
        /// The window is used up and ends this many seconds from now, later than the pacer will wait.
        case windowTooFar(Double)
        /// Nothing is known about the window: wait for an answer to the request in flight.
        case awaitAnswer
    }

    /// The earliest time the next request may go at the rate, in Unix seconds (the "theoretical arrival
    /// time" of a generic cell rate algorithm: a token bucket as one number, which is what makes it
    /// cheap to share).
    var nextSend: Double = 0
    /// The server's window, once an answer has reported one.
    var window: Window?
    /// The server's last reported `x-ratelimit-limit` (requests per second).
    var serverLimit: Int?
    /// Requests in flight, by pacer (`pid:instance`), so that an answer's `remaining` is read net of
    /// requests the server may not have counted yet, whichever process sent them.
    var holders: [String: Holder] = [:]

    enum CodingKeys: String, CodingKey {
        case nextSend = "next_send"
        case window
        case serverLimit = "server_limit"
        case holders
    }

    /// The requests in flight across every holder.
    var inFlight: Int {
        holders.values.reduce(0) { $0 + max(0, $1.inFlight) }
    }

    /// Takes a turn for `holder` if the window and the rate allow one now.
    ///
    /// - Parameter exclusiveUntilKnown: When set and no window is known, the answer is
    ///   ``Decision/awaitAnswer``: a pacer that knows nothing sends its first request alone.
    mutating func reserve(for holder: String, now: Double, rules: Rules, exclusiveUntilKnown: Bool) -> Decision {
        if let current = window {
            if now >= current.reset {
                window = nil
            } else if current.budget <= 0 {
                let wait = current.reset - now + rules.resetMargin
                guard wait > rules.maxWindowWait else { return .wait(wait) }
                // A used-up window ending later than any wait is refused at once, but not for as long as it
                // claims (up to a day, for every process sharing the file): once it has stood for the longest
                // wait, one request goes through as a probe, and its answer tells again. A stale or lying
                // answer (`remaining: 0`, a reset hours away, even on a 200) otherwise stopped every request,
                // so that no answer could ever correct it.
                guard let observed = current.observed else {
                    // Written by an older WriftSync: stood for the longest wait from now on.
                    window?.observed = now
                    return .windowTooFar(wait)
                }
                guard now - observed >= rules.maxWindowWait else {
                    return .windowTooFar(wait)
                }
                window?.observed = now
                return takeTurn(for: holder, now: now)
            }
        }
        if exclusiveUntilKnown && window == nil {
            return .awaitAnswer
        }
        if let rate = rules.rate {
            let interval = 1 / rate
            let burst = Double(max(1, rules.burst))
            // No schedule runs further ahead than one burst (plus a slower process's interval): anything
            // beyond is a wall clock stepped back, which must not stall every process.
            if nextSend - now > burst * interval + 1 {
                nextSend = now
            }
            let earliest = nextSend - (burst - 1) * interval
            if now < earliest {
                return .wait(earliest - now)
            }
            nextSend = max(now, nextSend) + interval
        }
        if window != nil {
            window?.budget -= 1
        }
        return takeTurn(for: holder, now: now)
    }

    /// Counts a request of `holder` in flight.
    private mutating func takeTurn(for holder: String, now: Double) -> Decision {
        var entry = holders[holder] ?? Holder(inFlight: 0, updated: now)
        entry.inFlight += 1
        entry.updated = now
        holders[holder] = entry
        return .send
    }

    /// Records how many requests `holder` has in flight (removing it at zero).
    mutating func setInFlight(_ count: Int, holder: String, now: Double) {
        if count > 0 {
            holders[holder] = Holder(inFlight: count, updated: now)
        } else {
            holders[holder] = nil
        }
    }

    /// Learns from an answer's headers. Call it after the answered request left the holder's count.
    mutating func learn(from observation: RateLimitObservation, now: Double) {
        if let limit = observation.limit, limit > 0 {
            serverLimit = limit
        }
        guard let reset = observation.reset else { return }
        let budget: Int
        if observation.wasRateLimited {
            budget = 0
        } else if let remaining = observation.remaining {
            // Requests still in flight may not have been counted in `remaining` yet: the estimate errs low.
            budget = remaining - inFlight
        } else {
            return
        }
        if let current = window {
            // A request went through a far window believed used up (a probe): the server's count, and its
            // window, are the ones. Only a far one: in the API's one-second windows, an answer arriving late
            // from earlier in the window (or the one before) would otherwise give back turns already spent.
            let wrongAboutFarWindow = current.budget <= 0 && !observation.wasRateLimited && current.reset - now > Self.farWindow
            if reset == current.reset, wrongAboutFarWindow {
                window?.budget = budget
                window?.observed = now
            } else if reset == current.reset {
                window?.budget = min(current.budget, budget)
            } else if reset > current.reset {
                window = Window(reset: reset, budget: budget, observed: now)
            } else if wrongAboutFarWindow, reset > now {
                window = Window(reset: reset, budget: budget, observed: now)
            }
        } else if reset > now {
            window = Window(reset: reset, budget: budget, observed: now)
        }
    }

    /// Drops the holders `isGone` names (processes that exited or crashed mid-request), and any not heard
    /// from for `staleAfter` seconds, except `keeping`. An entry updated more than `staleAfter` seconds in
    /// the future is stale too: written before the wall clock was stepped back (or by a pid since reused), it
    /// would otherwise never age, and its requests in flight would use up every window for good.
    mutating func forgetHolders(keeping: String, now: Double, staleAfter: Double, isGone: (String) -> Bool) {
        holders = holders.filter { key, entry in
            key == keeping || (abs(now - entry.updated) < staleAfter && !isGone(key))
        }
    }

    /// Whether the values are ones a pacer could have written: a file edited by hand, or by something
    /// else, must not stall or unleash the clients reading it.
    func isPlausible(now: Double) -> Bool {
        guard nextSend.isFinite, nextSend < now + Self.horizon else { return false }
        if let window, !(window.reset.isFinite && window.reset <= now + Self.horizon && window.budget <= Self.maxBudget) { return false }
        if let serverLimit, serverLimit <= 0 { return false }
        return holders.count <= Self.maxHolders
            && holders.values.allSatisfy { (0...Self.maxHolderInFlight).contains($0.inFlight) && $0.updated.isFinite }
    }

    /// How far ahead a window's end, or the next send, is believed: a day.
    static let horizon = 86_400.0
    /// A window ending further ahead than this (seconds) is not one of the API's one-second windows: a success
    /// through it while it was believed used up corrects it (see ``learn(from:now:)``).
    static let farWindow = 60.0
    /// The most requests a window is believed to have left.
    static let maxBudget = 999_999
    /// The most holders, and requests in flight for one holder, a ledger is believed to have: bounds that keep
    /// their sum far from overflowing.
    static let maxHolders = 10_000
    static let maxHolderInFlight = 100_000
}
