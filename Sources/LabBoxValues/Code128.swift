/// Code 128 (ISO/IEC 15417) in code set B: printable ASCII, the barcode lab scanners read on straw
/// and tube labels. Drawn as SVG and as bars for ZPL-free uses.
package struct Code128 {
    /// The widths of bar, space, bar, … for each symbol value 0–106 (106 is the stop pattern).
    private static let patterns: [String] = [
        "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
        "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
        "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
        "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
        "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
        "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
        "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
        "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
        "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
        "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
        "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
    ]
    private static let startB = 104
    private static let stop = 106

    package enum EncodingError: Error { case unsupportedCharacter(Character) }

    /// The module widths, alternating bar and space, starting with a bar.
    package let widths: [Int]

    package init(_ text: String) throws {
        var values = [Self.startB]
        for character in text {
            guard let ascii = character.asciiValue, (32...126).contains(ascii) else {
                throw EncodingError.unsupportedCharacter(character)
            }
            values.append(Int(ascii) - 32)
        }
        let checksum = values.enumerated().reduce(0) { sum, item in sum + item.element * max(item.offset, 1) } % 103
        values += [checksum, Self.stop]
        widths = values.flatMap { Self.patterns[$0].compactMap(\.wholeNumberValue) }
    }

    /// Total width in modules, without the quiet zones.
    package var length: Int { widths.reduce(0, +) }

    /// The bars as SVG, with a ten-module quiet zone each side, `height` modules high.
    package func svg(height: Int = 40) -> String {
        var x = 10
        var path = ""
        for (index, width) in widths.enumerated() {
            if index % 2 == 0 { path += "M\(x),0h\(width)v\(height)h-\(width)z" }
            x += width
        }
        let side = length + 20
        return
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(height)\" preserveAspectRatio=\"none\""
            + " shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"Barcode\"><rect width=\"\(side)\""
            + " height=\"\(height)\" fill=\"#fff\"/><path d=\"\(path)\" fill=\"#000\"/></svg>"
    }
}
