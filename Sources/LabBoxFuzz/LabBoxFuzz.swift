import Foundation

/// One program, two builds (docs/decisions/0022). Built with `-DFUZZING -sanitize=fuzzer`
/// (scripts/fuzz), it is a libFuzzer binary for the target named by LABBOX_FUZZ_TARGET; built as
/// usual, it is `labbox-fuzz replay <target> <directory>…`, which feeds every file of a corpus
/// through the same target: CI keeps every input fuzzing kept passing, without the sanitizer.
@main
struct LabBoxFuzz {
    static func main() throws {
        #if FUZZING
            // SwiftPM makes this function the program's `main`, in place of libFuzzer's own; hand over.
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(runFuzzer(&argc, &argv, testOneInput))
        #else
            let arguments = Array(CommandLine.arguments.dropFirst())
            guard arguments.count >= 3, arguments[0] == "replay", let target = FuzzTargets.all[arguments[1]] else {
                let names = FuzzTargets.all.keys.sorted().joined(separator: "|")
                FileHandle.standardError.write(Data("usage: labbox-fuzz replay <\(names)> <directory>…\n".utf8))
                exit(2)
            }
            var count = 0
            for directory in arguments[2...] {
                for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
                    target(try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name)))
                    count += 1
                }
            }
            print("\(arguments[1]): \(count) inputs replayed")
        #endif
    }
}

#if FUZZING
    /// Looked up once: libFuzzer calls the entry point millions of times.
    let selected: @Sendable (Data) -> Void = {
        let name = ProcessInfo.processInfo.environment["LABBOX_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTargets.all[name] else {
            fatalError("set LABBOX_FUZZ_TARGET to one of \(FuzzTargets.all.keys.sorted().joined(separator: ", "))")
        }
        return target
    }()

    /// libFuzzer's entry point, also named by the `main` in its runtime, which the linker still loads.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func testOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
        selected(start.map { Data(bytes: $0, count: count) } ?? Data())
        return 0
    }

    /// `int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t))`,
    /// libFuzzer's driver; declared here because the runtime ships no module to import.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzer(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt
#endif
