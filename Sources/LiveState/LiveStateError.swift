import WriftAIModels
import WriftAI

/// Why the live state could not be read. Any of these fails the whole plan: a partial view of the live
/// versions is how reconcilers delete what they should not.
public enum LiveStateError: Error, Sendable, CustomStringConvertible {
    /// Listing a model's versions failed (after the client's retries).
    case listing(model: ModelID, WriftAIError)
    /// Reading one version's details or configuration failed.
    case version(model: ModelID, number: Int, WriftAIError)
    /// Reading stopped for another reason (cancellation).
    case interrupted(String)
    /// A version has no digest in the list and none in its details.
    case missingDigest(model: ModelID, number: Int)
    /// The API's details of a version disagree with its listing (`field` is `created_at` or
    /// `container_image_digest`): one of the two answers is not the truth, and neither may drive a write.
    case detailsDisagree(model: ModelID, number: Int, field: String, listed: String, details: String)

    public var description: String {
        switch self {
        case let .listing(model, error):
            if case .notFound = error {
                return "model \(model) does not exist or is not visible with this token; create it in WriftAI first (nothing was planned)"
            }
            return "cannot list the versions of \(model): \(error) (nothing was planned)"
        case let .version(model, number, error):
            return "cannot read \(model):\(number): \(error) (nothing was planned)"
        case let .interrupted(reason):
            return "reading the live state was interrupted: \(reason) (nothing was planned)"
        case let .missingDigest(model, number):
            return "\(model):\(number) has no container_image_digest, in the list or its details (nothing was planned)"
        case let .detailsDisagree(model, number, field, listed, details):
            return "the API's details of \(model):\(number) disagree with its listing: \(field) \(details), listed \(listed) "
                + "(nothing was planned; plan again, and if it persists the API is serving inconsistent answers)"
        }
    }
}
