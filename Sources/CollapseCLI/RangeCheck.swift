import ArgumentParser
import Pipeline
import Settings
import Storage

/// Refuses an option outside its documented range (README, "Ranges") before any work starts,
/// naming the option as the limit spells it.
func check<Value>(_ value: Value, _ limit: Limit<Value>) throws {
    try check(value, limit, as: limit.option)
}

/// The same for an option that takes another's range (`--cpus-per-task` that of `--threads`).
func check<Value>(_ value: Value, _ limit: Limit<Value>, as option: String) throws {
    guard limit.contains(value) else { throw ValidationError("\(option) must be \(limit.rangeText) (got \(value))") }
}

/// A `--shard K/N` option's shard, or its problem as the option's error.
func shardOption(_ text: String) throws -> Shard {
    do { return try Shard(parsing: text) } catch let error as CollapseError { throw ValidationError("--shard: \(error.problem)") }
}
