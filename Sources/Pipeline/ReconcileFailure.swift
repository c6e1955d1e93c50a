import Applier
import Declarations
import GitSource
import LiveState
import Planner
import WriftAIModels

/// Why a stage of the pipeline failed, with what a loop should do about it.
///
/// Classified as controllers in the Kubernetes world do (Flux: stalling vs. retrying): a **stalled**
/// failure cannot go away by retrying the same commit (the declarations are invalid, a rail refused the
/// plan), so a loop waits for a new commit or the drift interval; a **transient** one (the network, the
/// API's 5xx and 429, a lock held) is retried with backoff; a **partial** one applied some changes and
/// failed others, and is retried with backoff too.
public struct ReconcileFailure: Error, Sendable, CustomStringConvertible {
    /// The stage that failed.
    public enum Stage: String, Sendable, Codable, CaseIterable {
        /// Fetching the repository and resolving the ref.
        case fetch
        /// Checking the commit's signature (and those since the last applied commit) against the trusted keys.
        case verify
        /// Reading and validating the declarations.
        case load
        /// Reading the live state from the API.
        case observe
        /// Checking the plan before anything is applied: the rails, freshness, latest-version safety.
        case check
        /// Applying the plan.
        case apply
    }

    /// How a loop reacts.
    public enum Class: String, Sendable, Codable, CaseIterable {
        /// Retrying the same commit cannot help: wait for a new commit or the drift interval.
        case stalled
        /// Back off and retry.
        case transient
        /// Some changes were applied, some failed: back off and retry.
        case partial
    }

    /// What went wrong.
    public enum Cause: Sendable {
        /// The repository could not be fetched or read.
        case git(GitSourceError)
        /// The commit is not signed by a trusted key (or one since the last applied commit is not).
        case signature(SignatureRefusal)
        /// The declarations have problems (every one listed).
        case invalidDeclarations(DeclarationErrors, revision: String)
        /// The live state could not be read.
        case liveState(LiveStateError)
        /// A rail refused the plan (too many deletes, a stale plan, another repository or commit).
        case refused(ApplyRails.Refusal)
        /// Applying the plan would move the latest version of these models away from their last declared
        /// version without their consent (a plan not made by this planner).
        case latestMoved(models: [ModelID])
        /// Some changes failed (the others were applied).
        case applyFailed(ApplyResult)
        /// WriftSync's own state (the release gate's quarantine) cannot be read.
        case state(StateFileError)
        /// The API's model says its latest version is not the one the plan's listing showed: the listing may be
        /// another model's, out of date or wrong, and nothing is written from it.
        case listingMismatch([ListingMismatch])
    }

    /// The stage that failed.
    public let stage: Stage
    /// What went wrong.
    public let cause: Cause

    /// Creates a failure.
    public init(_ stage: Stage, _ cause: Cause) {
        self.stage = stage
        self.cause = cause
    }

    /// How a loop should react.
    public var failureClass: Class {
        switch cause {
        case let .git(error): Self.classify(error)
        // Only a new commit (or new trusted keys) can change a refusal; gpg failing to run may not recur.
        case let .signature(refusal): refusal.isStalled ? .stalled : .transient
        case .invalidDeclarations, .latestMoved, .state: .stalled
        // A server answering from the wrong place, or a version made since: listing again is the answer.
        case .listingMismatch: .transient
        case let .refused(refusal):
            switch refusal {
            case .tooManyDeletes, .otherRepository, .misstatedLatest, .uncommitted: .stalled
            // The live state, the ref or the release gate's state moved since the plan (a quarantine recorded by
            // another process while the plan listed): a new plan is the answer.
            case .stale, .refMoved, .quarantined: .transient
            }
        // An API that is down, slow, or answers a model as missing may be right again soon.
        case .liveState: .transient
        case .applyFailed: .partial
        }
    }

    /// What a repository error means for retrying: content refused at this commit does not change until a
    /// new one, the network may.
    private static func classify(_ error: GitSourceError) -> Class {
        switch error {
        case .pathNotFound, .symlinkRefused, .submoduleRefused, .notAFile, .fileTooLarge, .objectTooLarge, .tooManyFiles, .filesTooLarge, .tooDeep,
            .insideRepository, .noWorkingTree, .worktreePathNotFound:
            .stalled
        default:
            .transient
        }
    }

    /// One line for people: what failed and what to do (declaration problems are counted here; ``problems``
    /// lists them).
    public var description: String {
        switch cause {
        case let .git(error):
            return error.description
        case let .signature(refusal):
            return refusal.description
        case let .invalidDeclarations(errors, revision):
            let count = errors.diagnostics.count
            return "\(count) problem\(count == 1 ? "" : "s") in the declarations at \(revision); nothing was planned"
        case let .liveState(error):
            return error.description
        case let .refused(refusal):
            return refusal.description
        case let .latestMoved(models):
            return "the plan would make an earlier declared version the latest of \(models.map(\.description).joined(separator: ", ")) "
                + "(un-pinned predictions would move to it), and the model does not allow it (on_out_of_order); "
                + "make a new plan (nothing was applied)"
        case let .state(error):
            return error.description
        case let .listingMismatch(mismatches):
            return "the API's answers do not agree, so nothing was applied: " + mismatches.map(\.description).joined(separator: "; ")
                + " (a listing that is another model's, or out of date; plan again)"
        case let .applyFailed(result):
            let failures = result.failures
            let first = failures.first.map { "\($0.model): \($0.error ?? "failed")" } ?? "some changes were not applied"
            return failures.count > 1 ? "\(first) (and \(failures.count - 1) more failure\(failures.count == 2 ? "" : "s"))" : first
        }
    }

    /// Every declaration problem, as `file:line:column: message`, for a failure to load.
    public var problems: [Diagnostic] {
        if case let .invalidDeclarations(errors, _) = cause { return errors.diagnostics }
        return []
    }
}

/// A model whose own latest version is not the one its listing showed.
public struct ListingMismatch: Sendable, Equatable, CustomStringConvertible {
    /// The model.
    public var model: ModelID
    /// What the plan's listing showed as the latest: `#3 (0303…)`, or `no version`.
    public var listed: String
    /// What `GET /models/{owner}/{name}` says.
    public var latest: String

    public var description: String { "\(model)'s listing showed \(listed) as the latest version, the model says \(latest)" }
}
