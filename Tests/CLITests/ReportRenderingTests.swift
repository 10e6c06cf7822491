import Foundation
import Testing
import TestSupport

/// Debian's `chromium`, if installed (.ci/run installs it).
let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

func runChromium(_ arguments: [String]) throws -> Collapse.Result {
    try runProcess(URL(fileURLWithPath: chromium!), ["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"] + arguments)
}

@Suite(.enabled(if: chromium != nil, "chromium is not installed: report rendering test skipped"), .serialized)
struct ReportRenderingTests {
    /// A tiny run's report.html in headless Chromium: it loads without console errors, every
    /// SVG in the rendered DOM has data marks, and a screenshot is taken.
    @Test func reportRendersWithEveryPlotDrawn() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let config = try tinyRunSetup(in: root)
        #expect(try Collapse.run(["run", config, "--runs", root], environment: ["COLLAPSE_QUIET": "1"]).status == 0)
        let report = try Collapse.run(["report", "\(root)/tiny"])
        #expect(report.status == 0, "\(report.error)")
        let page = "file://\(root)/tiny/report.html"
        let html = try String(contentsOfFile: "\(root)/tiny/report.html", encoding: .utf8)
        #expect(expectNiceTicks(in: html, "run report") == 9)
        #expect(html.contains(">real p1</text>") && html.contains(">real p99</text>"))
        let compared = try Collapse.run(["compare", "\(root)/tiny", "--out", "\(root)/compared"])
        #expect(compared.status == 0, "\(compared.error)")
        for chart in ["test-perplexity.svg", "tail-survival.svg", "final-histograms.svg"] {
            #expect(expectNiceTicks(in: try String(contentsOfFile: "\(root)/compared/\(chart)", encoding: .utf8), chart) >= 2)
        }

        let dom = try runChromium(["--dump-dom", page])
        #expect(dom.status == 0)
        #expect(!dom.error.contains("CONSOLE") && !dom.error.contains("Uncaught"), "\(dom.error)")
        let svgs = dom.output.components(separatedBy: "<svg").dropFirst()
        #expect(svgs.count == 5)
        for (index, svg) in svgs.enumerated() {
            let body = svg.components(separatedBy: "</svg>")[0]
            #expect(body.contains("class=\"mark\""), "SVG \(index) has no data marks")
        }

        let screenshot = "\(root)/report.png"
        let shot = try runChromium(["--screenshot=\(screenshot)", "--window-size=1200,2400", page])
        #expect(shot.status == 0)
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }
}
