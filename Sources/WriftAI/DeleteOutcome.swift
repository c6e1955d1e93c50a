/// How a delete ended.
public enum DeleteOutcome: Sendable, Equatable {
    /// The server deleted the version in answer to this call.
    case deleted
    /// A retry found the version gone: an earlier attempt deleted it but its answer was lost.
    case alreadyDeleted
}
