import Foundation
import IngestionAPI
import Kafka
@testable import Pipeline
import Testing

private func kafkaMessage(
    _ value: [UInt8]?,
    topic: String = "customer-events",
    partition: Int32 = 3,
    offset: Int64 = 1234,
    key: [UInt8]? = nil,
    headers: [KafkaHeader] = [],
    timestamp: Int64? = nil
) -> KafkaMessage {
    KafkaMessage(topic: topic, partition: partition, offset: offset, key: key, value: value, headers: headers, timestamp: timestamp)
}

private func kafkaMessage(_ text: String) -> KafkaMessage {
    kafkaMessage(Array(text.utf8))
}

// MARK: - RecordDecoder

@Suite("RecordDecoder")
struct RecordDecoderTests {
    let decoder = RecordDecoder(maxDepth: JSONParser.defaultMaxDepth)

    @Test func aNullValueIsATombstone() {
        guard case .tombstone = decoder.decode(kafkaMessage(nil)) else {
            Issue.record("a Kafka null value must be a tombstone")
            return
        }
    }

    @Test func theJSONLiteralNullIsNotATombstone() {
        // Only Kafka's null marks a deletion; the text `null` is a value that is not an object.
        guard case .failed(let error) = decoder.decode(kafkaMessage("null")) else {
            Issue.record("JSON null must fail")
            return
        }
        #expect(error == "value is a JSON null, expected an object")
    }

    @Test func anObjectDecodesWithItsMembersInOrder() throws {
        guard case .object(let value) = decoder.decode(kafkaMessage(#" {"b":1,"a":"x","n":12345678901234567890} "#)) else {
            Issue.record("an object must decode")
            return
        }
        #expect(value == ["b": 1, "a": "x", "n": .number("12345678901234567890")])
    }

    @Test("Values that are not objects fail, naming their type", arguments: [
        ("[1,2]", "array"),
        (#""text""#, "string"),
        ("42", "number"),
        ("-1.5e3", "number"),
        ("true", "boolean"),
    ])
    func nonObject(text: String, typeName: String) {
        guard case .failed(let error) = decoder.decode(kafkaMessage(text)) else {
            Issue.record("\(text) must fail")
            return
        }
        #expect(error == "value is a JSON \(typeName), expected an object")
    }

    @Test func invalidUTF8FailsWithTheByteAndItsOffset() {
        // `{"a":"` then 0xFF: never valid in UTF-8.
        let bytes = Array(#"{"a":""#.utf8) + [0xFF] + Array(#""}"#.utf8)
        guard case .failed(let error) = decoder.decode(kafkaMessage(bytes)) else {
            Issue.record("invalid UTF-8 must fail")
            return
        }
        #expect(error == "invalid JSON at byte 6: invalid UTF-8 byte 0xFF")
    }

    @Test func overlongUTF8EncodingFails() {
        // 0xC0 0xAF is an overlong "/", a classic way to sneak characters past filters.
        let bytes = Array(#"{"a":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8)
        guard case .failed(let error) = decoder.decode(kafkaMessage(bytes)) else {
            Issue.record("overlong UTF-8 must fail")
            return
        }
        #expect(error.contains("invalid UTF-8"))
    }

    @Test("Malformed JSON fails with the parser's reason", arguments: [
        ("", "unexpected end of input"),
        ("{", "unexpected end of input"),
        (#"{"a":1}x"#, "unexpected character"),
        (#"{"a":1,"a":2}"#, "duplicate key"),
        (#"{'a':1}"#, "unexpected character"),
    ])
    func malformed(text: String, reason: String) {
        guard case .failed(let error) = decoder.decode(kafkaMessage(text)) else {
            Issue.record("\(text) must fail")
            return
        }
        #expect(error.hasPrefix("invalid JSON at byte "))
        #expect(error.contains(reason))
    }

    /// `{"a":` repeated `depth - 1` times around `{}`: `depth` nested objects.
    private static func nested(_ depth: Int) -> String {
        String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
    }

    @Test func nestingUpToTheLimitDecodesAndOneMoreFails() {
        let decoder = RecordDecoder(maxDepth: 3)
        guard case .object = decoder.decode(kafkaMessage(Self.nested(3))) else {
            Issue.record("depth 3 must decode with maxDepth 3")
            return
        }
        guard case .failed(let error) = decoder.decode(kafkaMessage(Self.nested(4))) else {
            Issue.record("depth 4 must fail with maxDepth 3")
            return
        }
        #expect(error.contains("nesting deeper than 3 levels"))
    }

    @Test func arraysCountTowardsTheDepth() {
        let decoder = RecordDecoder(maxDepth: 2)
        guard case .failed(let error) = decoder.decode(kafkaMessage(#"{"a":[[1]]}"#)) else {
            Issue.record("three levels of containers must fail with maxDepth 2")
            return
        }
        #expect(error.contains("nesting deeper than 2 levels"))
    }

    @Test func hostileNestingFailsInsteadOfOverflowingTheStack() {
        let depth = 200_000
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: depth)
        guard case .failed(let error) = decoder.decode(kafkaMessage(bytes)) else {
            Issue.record("hostile nesting must fail")
            return
        }
        #expect(error.contains("nesting deeper than \(JSONParser.defaultMaxDepth) levels"))
    }

    @Test func aOneMegabyteStringDecodesIntact() throws {
        // Big values are the API's to refuse (413), not the decoder's: it must not truncate them.
        let big = String(repeating: "é", count: 512 * 1024) // 2 bytes each: 1 MiB
        let text = #"{"externalCustomerId":"c","note":""# + big + #""}"#
        guard case .object(let value) = decoder.decode(kafkaMessage(text)) else {
            Issue.record("a 1 MiB string must decode")
            return
        }
        let note = try #require(value["note"]?.stringValue)
        #expect(note.utf8.count == 1024 * 1024)
        #expect(note == big)
    }
}

// MARK: - RecordValidator

private let validItem = #"{"externalConversationId":"conv-1","externalCustomerId":"cust-1","status":"open"}"#

@Suite("RecordValidator")
struct RecordValidatorTests {
    let validator = RecordValidator()

    private func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONParser.parse(bytes)
    }

    // MARK: splice

    @Test func spliceInsertsTheIdRightAfterTheBrace() {
        let spliced = RecordValidator.splice(eventId: "ev-1", into: Array(#"{"a":1,"b":[2]}"#.utf8))
        #expect(spliced.map { String(decoding: $0, as: UTF8.self) } == #"{"eventId":"ev-1","a":1,"b":[2]}"#)
    }

    @Test func spliceKeepsEveryOtherByteIncludingWhitespace() {
        let original = " \t\r\n{ \"a\" : \"é\\u00e9\" ,\n \"b\": 1.10 }\n"
        let spliced = RecordValidator.splice(eventId: "x", into: Array(original.utf8))
        #expect(spliced.map { String(decoding: $0, as: UTF8.self) }
            == " \t\r\n{\"eventId\":\"x\", \"a\" : \"é\\u00e9\" ,\n \"b\": 1.10 }\n")
    }

    @Test("Nothing to splice into when the value is not an object", arguments: ["", "   ", "[1]", " 42", "\"{\"", "null"])
    func spliceRefusesNonObjects(text: String) {
        #expect(RecordValidator.splice(eventId: "x", into: Array(text.utf8)) == nil)
    }

    // MARK: validate

    @Test func aValidItemWithAnEventIdIsSentAsItArrived() throws {
        let text = #"{ "eventId":"given-1", "externalConversationId":"conv-1","externalCustomerId":"cust-1" }"#
        let message = kafkaMessage(text)
        let item = try parse(Array(text.utf8))
        guard case .valid(let record) = validator.validate(item, message: message) else {
            Issue.record("must be valid")
            return
        }
        #expect(record.eventId == "given-1")
        #expect(record.preparedItem == nil)
        #expect(record.item == Array(text.utf8))
        #expect(record.byteCount == text.utf8.count)
        #expect(record.message.offset == message.offset)
    }

    @Test func aMissingEventIdIsDerivedAndSplicedIn() throws {
        let message = kafkaMessage(Array(validItem.utf8), topic: "customer.events", partition: 7, offset: 99)
        let parsed = try parse(Array(validItem.utf8))
        guard case .valid(let record) = validator.validate(parsed, message: message) else {
            Issue.record("must be valid")
            return
        }
        let derived = EventID.derive(topic: "customer.events", partition: 7, offset: 99)
        #expect(record.eventId == derived)
        let prepared = try #require(record.preparedItem)
        #expect(prepared == RecordValidator.splice(eventId: derived, into: Array(validItem.utf8)))
        #expect(record.item == prepared)
        #expect(record.byteCount == prepared.count)
        // Still the same item, plus the id.
        let item = try parse(prepared)
        #expect(item["eventId"]?.stringValue == derived)
        #expect(item["externalCustomerId"]?.stringValue == "cust-1")
        #expect(item.objectValue?.keys == ["eventId", "externalConversationId", "externalCustomerId", "status"])
    }

    @Test func theDerivedIdIsStableForTheSameCoordinates() throws {
        // Retries and replays of one record must carry one id.
        func eventId(offset: Int64) throws -> String? {
            let message = kafkaMessage(Array(validItem.utf8), offset: offset)
            let item = try parse(Array(validItem.utf8))
            guard case .valid(let record) = validator.validate(item, message: message) else { return nil }
            return record.eventId
        }
        #expect(try eventId(offset: 5) == eventId(offset: 5))
        #expect(try eventId(offset: 5) != eventId(offset: 6))
    }

    @Test func aNullEventIdIsReplacedInPlace() throws {
        let text = #"{"externalConversationId":"conv-1","eventId":null,"externalCustomerId":"cust-1"}"#
        let message = kafkaMessage(Array(text.utf8), partition: 0, offset: 1)
        let item = try parse(Array(text.utf8))
        guard case .valid(let record) = validator.validate(item, message: message) else {
            Issue.record("must be valid")
            return
        }
        let derived = EventID.derive(topic: message.topic, partition: 0, offset: 1)
        #expect(record.eventId == derived)
        // Splicing would leave two `eventId` members; the item is re-encoded with the id where the null was.
        let prepared = try #require(record.preparedItem)
        #expect(String(decoding: prepared, as: UTF8.self)
            == #"{"externalConversationId":"conv-1","eventId":"\#(derived)","externalCustomerId":"cust-1"}"#)
    }

    @Test func violationsAreAllReportedJoinedBySemicolons() throws {
        let text = #"{"eventId":"e-1","externalCustomerId":"has space","phoneNumber":5}"#
        let item = try parse(Array(text.utf8))
        guard case .invalid(let error, let eventId) = validator.validate(item, message: kafkaMessage(text)) else {
            Issue.record("must be invalid")
            return
        }
        let parts = error.components(separatedBy: "; ")
        #expect(parts.count == 3)
        #expect(parts.first == "externalConversationId: required property is missing")
        #expect(parts.contains { $0.hasPrefix("externalCustomerId: ") })
        #expect(parts.contains { $0 == "phoneNumber: expected type string, got number" })
        // The given id travels to the dead-letter header even though the item is invalid.
        #expect(eventId == "e-1")
    }

    @Test func anInvalidItemWithoutAStringEventIdHasNoId() throws {
        for text in [#"{"externalCustomerId":"c"}"#, #"{"eventId":7,"externalConversationId":"c","externalCustomerId":"c"}"#] {
            let item = try parse(Array(text.utf8))
            guard case .invalid(_, let eventId) = validator.validate(item, message: kafkaMessage(text)) else {
                Issue.record("\(text) must be invalid")
                continue
            }
            #expect(eventId == nil)
        }
    }
}

// MARK: - DeadLetter

@Suite("DeadLetter")
struct DeadLetterTests {
    /// 2023-11-14T22:13:20Z.
    static let failedAt = Date(timeIntervalSince1970: 1_700_000_000)

    private func headerPairs(_ record: KafkaProducerRecord) -> [String] {
        record.headers.map { "\($0.key)=\($0.stringValue ?? "<nil>")" }
    }

    @Test func everyHeaderInContractOrder() {
        let original = kafkaMessage(
            Array("{bad".utf8), topic: "customer-events", partition: 4, offset: 77,
            key: Array("cust-9".utf8),
            headers: [
                KafkaHeader(key: "trace", string: "abc"),
                KafkaHeader(key: "empty", value: []),
                KafkaHeader(key: "none", value: nil),
                KafkaHeader(key: "trace", string: "second"),
            ],
            timestamp: 1_699_999_999_123)
        let letter = DeadLetter(message: original, error: "HTTP 422: nope", stage: .api, status: 422, eventId: "ev-77", failedAt: Self.failedAt)
        let record = letter.producerRecord(topic: "customer-events.dlq")

        #expect(record.topic == "customer-events.dlq")
        #expect(headerPairs(record) == [
            "trace=abc",
            "empty=",
            "none=<nil>",
            "trace=second",
            "dlq.error=HTTP 422: nope",
            "dlq.error.stage=api",
            "dlq.error.status=422",
            "dlq.source.topic=customer-events",
            "dlq.source.partition=4",
            "dlq.source.offset=77",
            "dlq.source.timestamp=1699999999123",
            "dlq.event.id=ev-77",
            "dlq.failed.at=2023-11-14T22:13:20Z",
        ])
        // A header with no value stays distinct from an empty one.
        #expect(record.headers[1].value == [])
        #expect(record.headers[2].value == nil)
    }

    @Test func optionalHeadersAreLeftOutWhenUnknown() {
        let letter = DeadLetter(message: kafkaMessage(Array("[]".utf8), partition: 0, offset: 0), error: "value is a JSON array, expected an object",
                                stage: .decode, failedAt: Self.failedAt)
        #expect(headerPairs(letter.producerRecord(topic: "dlq")) == [
            "dlq.error=value is a JSON array, expected an object",
            "dlq.error.stage=decode",
            "dlq.source.topic=customer-events",
            "dlq.source.partition=0",
            "dlq.source.offset=0",
            "dlq.failed.at=2023-11-14T22:13:20Z",
        ])
    }

    @Test("The stage header names the stage", arguments: DeadLetterStage.allCases)
    func stageHeader(stage: DeadLetterStage) {
        let record = DeadLetter(message: kafkaMessage(nil), error: "e", stage: stage).producerRecord(topic: "dlq")
        #expect(record.headers.last(DeadLetter.Header.stage)?.stringValue == stage.rawValue)
        #expect(record.headers.filter { $0.key == DeadLetter.Header.stage }.count == 1)
    }

    @Test func keyAndValueAreCopiedByteForByte() {
        // Not valid UTF-8, with NULs: exactly what a text round trip would damage.
        let key: [UInt8] = [0x00, 0xFF, 0xFE, 0x41]
        let value: [UInt8] = [0x7B, 0xC3, 0x28, 0x00, 0x80, 0x7D]
        let record = DeadLetter(message: kafkaMessage(value, key: key), error: "invalid UTF-8", stage: .decode).producerRecord(topic: "dlq")
        #expect(record.key == key)
        #expect(record.value == value)

        let keyless = DeadLetter(message: kafkaMessage(value, key: nil), error: "e", stage: .decode).producerRecord(topic: "dlq")
        #expect(keyless.key == nil)
        // Partition left to the partitioner; timestamp left to the producer.
        #expect(keyless.partition == nil)
    }

    @Test func errorTextIsKeptExactly() {
        let error = "externalCustomerId: pattern [a-zA-Z0-9@._+\\-]+ mismatch at 3 (\"ü\"); phoneNumber: maxLength 32 exceeded (40 characters)"
        let record = DeadLetter(message: kafkaMessage(nil), error: error, stage: .validate).producerRecord(topic: "dlq")
        #expect(record.headers.last(DeadLetter.Header.error)?.stringValue == error)
    }

    @Test func failedAtIsRFC3339InUTC() throws {
        let before = Date()
        let record = DeadLetter(message: kafkaMessage(nil), error: "e", stage: .api, status: 500).producerRecord(topic: "dlq")
        let text = try #require(record.headers.last(DeadLetter.Header.failedAt)?.stringValue)
        #expect(text.hasSuffix("Z"))
        #expect(text.count == "2023-11-14T22:13:20Z".count)
        let parsed = try Date.ISO8601FormatStyle().parse(text)
        // Whole seconds: the stamp is at most one second before `before`.
        #expect(parsed >= before.addingTimeInterval(-1) && parsed <= Date().addingTimeInterval(1))
    }

    @Test func failedAtIgnoresTheLocalTimeZone() {
        // Midnight UTC on a date where most zones are on another day.
        let letter = DeadLetter(message: kafkaMessage(nil), error: "e", stage: .api,
                                failedAt: Date(timeIntervalSince1970: 1_704_067_200)) // 2024-01-01T00:00:00Z
        #expect(letter.producerRecord(topic: "dlq").headers.last(DeadLetter.Header.failedAt)?.stringValue == "2024-01-01T00:00:00Z")
    }
}

// MARK: - RecordIntake

@Suite("RecordIntake")
struct RecordIntakeTests {
    static let valid = #"{"externalConversationId":"c-1","externalCustomerId":"customer-1","eventId":"e-1"}"#
    static let invalid = #"{"externalConversationId":"c-1","externalCustomerId":"has space","eventId":"e-1"}"#

    static func letter(_ value: String, stage: DeadLetterStage, redrives: Int, offset: Int64) -> KafkaMessage {
        let headers = [
            KafkaHeader(key: DeadLetter.Header.error, value: Array("HTTP 400: refused".utf8)),
            KafkaHeader(key: DeadLetter.Header.stage, value: Array(stage.rawValue.utf8)),
            KafkaHeader(key: DeadLetter.Header.redriveCount, value: Array(String(redrives).utf8)),
            KafkaHeader(key: DeadLetter.Header.sourceTopic, value: Array("customer-events".utf8)),
            KafkaHeader(key: DeadLetter.Header.sourcePartition, value: Array("3".utf8)),
            KafkaHeader(key: DeadLetter.Header.sourceOffset, value: Array("77".utf8)),
        ]
        return kafkaMessage(Array(value.utf8), topic: "dlq", partition: 0, offset: offset, headers: headers)
    }

    @Test func aConsumerGroupRecordGetsTheVerdictOfDecodeAndValidate() {
        let intake = RecordIntake(mode: .consumerGroup, maxDepth: JSONParser.defaultMaxDepth)
        let messages = [kafkaMessage(Self.valid), kafkaMessage("{not json"), kafkaMessage(Self.invalid), kafkaMessage(nil)]
        let checked = intake.check(messages)
        #expect(checked.count == 4)
        #expect(checked.map(\.position) == messages.map(ReadPosition.init))
        #expect(checked.map(\.valueBytes) == messages.map { $0.value?.count ?? 0 })
        guard case .valid(let record) = checked[0].verdict else { Issue.record("valid item: \(checked[0].verdict)"); return }
        #expect(record.eventId == "e-1")
        #expect(record.position == checked[0].position)
        guard case .deadLetter(let undecodable) = checked[1].verdict else { Issue.record("bad JSON: \(checked[1].verdict)"); return }
        #expect(undecodable.stage == .decode)
        guard case .deadLetter(let invalid) = checked[2].verdict else { Issue.record("bad item: \(checked[2].verdict)"); return }
        #expect(invalid.stage == .validate)
        #expect(invalid.error.contains("externalCustomerId"))
        #expect(invalid.eventId == "e-1")
        #expect(invalid.redriveCount == nil)
        guard case .tombstone = checked[3].verdict else { Issue.record("null value: \(checked[3].verdict)"); return }
    }

    @Test func aRangeLeavesRecordsAtOrPastItsEndUnprocessed() {
        let partition = TopicPartition(topic: "customer-events", partition: 3)
        let intake = RecordIntake(mode: .range(start: [partition: 0], end: [partition: 10]), maxDepth: JSONParser.defaultMaxDepth)
        guard case .valid = intake.verdict(for: kafkaMessage(Array(Self.valid.utf8), offset: 9)) else {
            Issue.record("offset 9 is inside [0, 10)")
            return
        }
        guard case .beyondRange = intake.verdict(for: kafkaMessage(Array(Self.valid.utf8), offset: 10)) else {
            Issue.record("offset 10 is the end")
            return
        }
        guard case .beyondRange = intake.verdict(for: kafkaMessage(Array(Self.valid.utf8), topic: "other", offset: 0)) else {
            Issue.record("a partition outside the range has nothing in it")
            return
        }
    }

    @Test func aRedriveProcessesTheOriginalAndTracksTheDeadLetter() throws {
        let dlq = TopicPartition(topic: "dlq", partition: 0)
        let intake = RecordIntake(
            mode: .redrive(start: [dlq: 0], end: [dlq: 100], selection: try RedriveSelection(stages: [.api])),
            maxDepth: JSONParser.defaultMaxDepth)
        guard case .notSelected = intake.verdict(for: Self.letter(Self.valid, stage: .validate, redrives: 0, offset: 5)) else {
            Issue.record("a validate-stage letter is outside an api-stage selection")
            return
        }
        let read = Self.letter(Self.valid, stage: .api, redrives: 1, offset: 6)
        guard case .valid(let record) = intake.verdict(for: read) else { Issue.record("a selected valid original is sent"); return }
        #expect(record.position == ReadPosition(read))
        #expect(record.message.topic == "customer-events" && record.message.partition == 3 && record.message.offset == 77)
        #expect(record.priorRedrives == 1)
        guard case .deadLetter(let again) = intake.verdict(for: Self.letter(Self.invalid, stage: .api, redrives: 2, offset: 7)) else {
            Issue.record("a selected invalid original is dead-lettered again")
            return
        }
        #expect(again.stage == .validate)
        #expect(again.redriveCount == 3)
        #expect(again.position == ReadPosition(topicPartition: dlq, offset: 7))
        #expect(again.message.offset == 77)
    }
}
