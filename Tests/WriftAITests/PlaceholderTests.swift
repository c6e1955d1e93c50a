import Testing
@testable import WriftAI
import WriftAIEmulator
