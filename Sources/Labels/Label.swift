import Foundation

/// One printed label: a code (as Code 128 and QR) and a few lines of text.
package struct Label: Sendable {
    package let code: String
    package let lines: [String]

    /// Label stock LabBox lays out, in millimetres.
    package enum Size: String, CaseIterable, Sendable {
        /// 0.25/0.5 mL straws: a narrow strip.
        case straw
        /// Cryo tubes and vials: a small square.
        case tube
        /// A4 sheets of 3 × 8 labels, 70 × 37 mm.
        case sheet

        package var label: String {
            switch self {
            case .straw: "Straw, 40 × 10 mm"
            case .tube: "Tube, 25 × 25 mm"
            case .sheet: "A4 sheet, 3 × 8 (70 × 37 mm)"
            }
        }

        /// Width and height in dots at 203 dpi (8 dots per mm), for ZPL.
        package var dots: (Int, Int) {
            switch self {
            case .straw: (320, 80)
            case .tube: (200, 200)
            case .sheet: (560, 296)
            }
        }
    }

    /// The label in ZPL II for Zebra printers (203 dpi). Text goes through `^FH` hex escapes so no
    /// character of the data can be read as a command.
    package func zpl(size: Size) -> String {
        func field(_ text: String) -> String {
            "^FH^FD"
                + text.unicodeScalars.map { scalar in
                    scalar.isASCII && scalar != "^" && scalar != "~" && scalar != "_" && scalar.value >= 32
                        ? String(scalar) : String(scalar).utf8.map { String(format: "_%02X", $0) }.joined()
                }.joined() + "^FS"
        }
        let (width, height) = size.dots
        var zpl = "^XA^CI28^PW\(width)^LL\(height)"
        switch size {
        case .straw:
            zpl += "^FO8,8^BY1^BCN,40,N,N,N" + field(code)
            zpl += "^FO8,54^A0N,20,20" + field(([code] + lines.prefix(1)).joined(separator: "  "))
        case .tube:
            zpl += "^FO10,10^BQN,2,3" + "^FH^FDMA," + String(field(code).dropFirst(6))
            zpl += "^FO10,130^A0N,18,18" + field(code)
            for (index, line) in lines.prefix(2).enumerated() {
                zpl += "^FO10,\(152 + index * 20)^A0N,16,16" + field(line)
            }
        case .sheet:
            zpl += "^FO16,16^BY2^BCN,70,N,N,N" + field(code)
            zpl += "^FO16,96^A0N,28,28" + field(code)
            for (index, line) in lines.prefix(5).enumerated() {
                zpl += "^FO16,\(132 + index * 30)^A0N,24,24" + field(line)
            }
        }
        return zpl + "^XZ\n"
    }

    package init(code: String, lines: [String]) {
        self.code = code
        self.lines = lines
    }
}
