import Configuration

extension ConfigReader {
    /// The value of setting `name` as text, from the highest-precedence source that has it.
    ///
    /// Every setting is parsed from text by `SettingParser` so that one message format covers all
    /// sources. The environment and a secrets directory only hold text, but a JSON or YAML file
    /// may hold a number (`"BATCH_MAX_ITEMS": 500`) or a list (`KAFKA_TOPICS: [a, b]`), which a
    /// string lookup refuses; those are asked for by type and turned back into text (a list joined
    /// with commas, the form the environment uses).
    ///
    /// `name` is a single key component, so it is looked up as written in files and directories
    /// and as the same upper-case name in the environment. `isSecret` keeps the value out of
    /// swift-configuration's access log (`CONFIG_ACCESS_LOG_FILE`).
    func settingText(_ name: String, isSecret: Bool) -> String? {
        let key = ConfigKey([name])
        if let text = string(forKey: key, isSecret: isSecret) { return text }
        if let number = int(forKey: key, isSecret: isSecret) { return String(number) }
        if let number = double(forKey: key, isSecret: isSecret) { return String(number) }
        if let flag = bool(forKey: key, isSecret: isSecret) { return String(flag) }
        if let list = stringArray(forKey: key, isSecret: isSecret) { return list.joined(separator: ",") }
        if let list = intArray(forKey: key, isSecret: isSecret) { return list.map(String.init).joined(separator: ",") }
        return nil
    }
}
