import Kafka
@testable import Pipeline
import Testing

@Suite("PipelineInbox")
struct PipelineInboxTests {
    private func message(_ offset: Int64) -> PipelineInput {
        .consumer(.messages([KafkaMessage(topic: "t", partition: 0, offset: offset, key: nil, value: nil)]))
    }

    private func describe(_ input: PipelineInput?) -> String {
        switch input {
        case .consumer(.messages(let messages))?: "messages@\(messages[0].offset)"
        case .consumerEnded?: "ended"
        case .batchDone(let batch, _)?: "done\(batch)"
        case .deadLettered(let batch)?: "dead\(batch)"
        case .tick?: "tick"
        case nil: "nil"
        default: "other"
        }
    }

    @Test("outcomes come before consumer events; each lane keeps its order")
    func lanes() async {
        let inbox = PipelineInbox()
        inbox.yield(message(0))
        inbox.yield(message(1))
        inbox.yield(.batchDone(batch: 1, outcomes: []))
        inbox.yield(.consumerEnded)
        inbox.yield(.deadLettered(batch: 2))
        inbox.yield(.tick)
        var order: [String] = []
        for _ in 0..<6 { order.append(describe(await inbox.next())) }
        #expect(order == ["done1", "dead2", "tick", "messages@0", "messages@1", "ended"])
    }

    @Test("a waiting loop gets the next input; after finish, nil and nothing more")
    func waitingAndFinish() async {
        let inbox = PipelineInbox()
        async let first = inbox.next()
        inbox.yield(.tick)
        #expect(describe(await first) == "tick")
        inbox.yield(message(5))
        inbox.finish()
        inbox.yield(.tick)
        #expect(describe(await inbox.next()) == "messages@5", "what was queued before finish is still handed out")
        #expect(describe(await inbox.next()) == "nil")
    }

    @Test("cancelling the waiting task ends its wait with nil")
    func cancellation() async {
        let inbox = PipelineInbox()
        let waiting = Task { await inbox.next() }
        waiting.cancel()
        #expect(describe(await waiting.value) == "nil")
    }
}
