import Foundation
import Testing
import WriftAIModels

@Suite("Prediction wire types")
struct PredictionWireTests {
    @Test("a prediction decodes with snake_case keys, its error object and durations")
    func decodes() throws {
        let json = #"""
        {"id": "p-1", "status": "failed", "model": {"owner": "acme", "name": "sentiment", "version_number": 4},
         "input": {"prompt": "hi"}, "output": null,
         "error": {"source": "external", "message": "boom", "detail": {"line": 3}},
         "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:01Z",
         "setup_time": "0.5", "execution_time": 1.25, "metrics": {"predict_time": 1.25}, "stream": false}
        """#
        let prediction = try JSONDecoder().decode(Prediction.self, from: Data(json.utf8))
        #expect(prediction.status == .failed)
        #expect(prediction.status.isTerminal)
        #expect(prediction.model == .init(owner: "acme", name: "sentiment", versionNumber: 4))
        #expect(prediction.input == ["prompt": "hi"])
        #expect(prediction.output == nil)
        #expect(prediction.error == PredictionError(source: .external, message: "boom", detail: ["line": 3]))
        #expect(prediction.setupTime == "0.5")
        #expect(prediction.executionTime == "1.25")
        #expect(prediction.metrics == ["predict_time": 1.25])

        let encoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(prediction))
        #expect(encoded["output"] == .null)
        #expect(encoded["model"]?["version_number"] == 4)
        #expect(encoded["error"]?["source"] == "external")
        #expect(try JSONDecoder().decode(Prediction.self, from: JSONEncoder().encode(prediction)) == prediction)
    }

    @Test("the minimal answer of a new prediction decodes; absent and null mean the same")
    func minimal() throws {
        let json = #"{"id": "p-2", "status": "pending", "model": {"owner": "a", "name": "b", "version_number": 1}, "created_at": "t", "setup_time": null}"#
        let prediction = try JSONDecoder().decode(Prediction.self, from: Data(json.utf8))
        #expect(prediction.status == .pending)
        #expect(prediction.setupTime == nil && prediction.error == nil && prediction.stream == nil)
    }

    @Test("statuses: three running, four terminal, unknown ones kept and not terminal")
    func statuses() throws {
        let running: [PredictionStatus] = [.pending, .starting, .started]
        let terminal: [PredictionStatus] = [.succeeded, .failed, .cancelled, .abandoned]
        #expect(running.allSatisfy { !$0.isTerminal })
        #expect(terminal.allSatisfy { $0.isTerminal })
        for status in running + terminal {
            #expect(PredictionStatus(rawValue: status.rawValue) == status)
        }
        let json = #"{"id": "p-3", "status": "queued_for_gpu", "model": {"owner": "a", "name": "b", "version_number": 1}, "created_at": "t", "error": {"source": "gpu", "message": "m"}}"#
        let prediction = try JSONDecoder().decode(Prediction.self, from: Data(json.utf8))
        #expect(prediction.status == .unknown("queued_for_gpu"))
        #expect(!prediction.status.isTerminal)
        #expect(prediction.error?.source == .unknown("gpu"))
        #expect(String(decoding: try JSONEncoder().encode(prediction.status), as: UTF8.self) == #""queued_for_gpu""#)
    }

    @Test("a create request encodes model, input and stream")
    func createRequest() throws {
        let body = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(CreatePredictionRequest(model: "a/b:3", input: ["x": 1])))
        #expect(body == ["model": "a/b:3", "input": ["x": 1], "stream": false])
    }

    @Test("a malformed duration is a decoding error, not a crash")
    func badDuration() {
        let json = #"{"id": "p", "status": "started", "model": {"owner": "a", "name": "b", "version_number": 1}, "created_at": "t", "setup_time": [1]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Prediction.self, from: Data(json.utf8)) }
    }
}
