/// How log lines are written: `json` (one object per line, for log collectors; the default) or
/// `text` (for people reading a terminal).
enum LogFormat: String, Sendable, CaseIterable {
    case json
    case text
}
