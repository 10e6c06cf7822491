import ArgumentParser
import Settings

/// Refuses an option outside its documented range (README, "Ranges") before any work starts.
func check<Value>(_ value: Value, _ limit: Limit<Value>, _ option: String) throws {
    guard limit.contains(value) else { throw ValidationError("\(option) must be \(limit.rangeText) (got \(value))") }
}
