import Testing

@testable import API

@Suite struct NumberFormatTests {
    static let values: [Double] = [
        0, -0.0, 1, -1, 9, 10, 99, 100, 12_345, -12_345, 4_294_967_296, 1e15, -1e15, 9_007_199_254_740_991,
        -9_007_199_254_740_991, 9_007_199_254_740_992, 1e20, 0.5, -0.25, 1.0 / 3, 3.14159, 1e-7, 123_456.789,
        .leastNonzeroMagnitude, .greatestFiniteMagnitude,
    ]

    /// The spelling: integral values below 2^53 as integers, everything else in Swift's shortest
    /// round-tripping form; the bytes a page appends and the String the JSON and the live page use alike.
    @Test(arguments: values) func appendedDigitsSpellWhatDecimalSpells(_ value: Double) {
        let spelled = value == value.rounded() && abs(value) < 9_007_199_254_740_992 ? String(Int64(value)) : value.description
        var bytes: [UInt8] = Array("x".utf8)
        NumberFormat.appendDecimal(value, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "x" + spelled)
        #expect(NumberFormat.decimal(value) == spelled)
    }

    @Test func integersAreWrittenWithoutAFraction() {
        var bytes: [UInt8] = []
        NumberFormat.appendDecimal(-9_007_199_254_740_991, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "-9007199254740991")
        bytes = []
        MetricSet.appendValue(.nan, to: &bytes)
        MetricSet.appendValue(-.infinity, to: &bytes)
        MetricSet.appendValue(2.5, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "NaN-Inf2.5")
    }
}
