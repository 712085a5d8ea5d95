extension SinkConfiguration {
    /// Consumer properties for reading a fixed range with `assign()`, under `groupID` instead of
    /// the live group. librdkafka wants a `group.id` even for `assign()`; nothing joins the group,
    /// and only a redrive ever commits to it. The partition's end is reported (so that a range
    /// ending in an offset gap still ends), and a start that retention has removed meanwhile
    /// continues at the earliest record kept.
    func rangeConsumerProperties(groupID: String) -> [String: String] {
        var properties = consumerProperties
        properties["group.id"] = groupID
        properties["enable.partition.eof"] = "true"
        properties["auto.offset.reset"] = "earliest"
        return properties
    }

    /// Properties for lookups outside any group (watermarks, offsets of times, single reads).
    var lookupProperties: [String: String] {
        var properties = consumerProperties
        properties["group.id"] = nil
        return properties
    }

    /// Producer properties as `run` uses them for dead letters: a dead letter carries the
    /// original record plus headers, so allow it locally; the broker's own limit still applies.
    var deadLetterProducerProperties: [String: String] {
        var properties = producerProperties
        if properties["message.max.bytes"] == nil { properties["message.max.bytes"] = "16777216" }
        return properties
    }
}
