using System.Text;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.ScimProtocol.Tests.Resources;

/// <summary>The case-insensitive comparison key: which spellings are one name, and that the key is a stable fixed point.</summary>
public class ScimTextTests
{
    [Theory]
    [InlineData("\u212Aelvin@x.example", "kelvin@x.example")] // Kelvin sign
    [InlineData("\u2126mega@x.example", "\u03C9mega@x.example")] // Ohm sign and small omega
    [InlineData("\u212Bngstr\u00F6m@x.example", "\u00E5ngstr\u00F6m@x.example")] // Ångström sign and å
    [InlineData("Jose\u0301@x.example", "jos\u00E9@x.example")] // decomposed and composed é
    [InlineData("\uFF2A\uFF4F\uFF48\uFF4E@x.example", "john@x.example")] // fullwidth letters
    [InlineData("\uFB01nn@x.example", "finn@x.example")] // fi ligature
    [InlineData("\u039F\u03B4\u03C5\u03C3\u03C3\u03B5\u03CD\u03C2", "\u03BF\u03B4\u03C5\u03C3\u03C3\u03B5\u03CD\u03C3")] // final sigma
    [InlineData("Stra\u00DFe", "STRASSE")] // ß is ss
    [InlineData("\u1E9E", "ss")] // capital sharp s
    [InlineData("\u0130stanbul", "istanbul")] // Turkish dotted capital İ
    [InlineData("kel\u00ADvin", "kelvin")] // soft hyphen
    [InlineData("kel\u200Bvin\uFEFF", "kelvin")] // zero-width space, byte-order mark
    [InlineData("\u13A0\u13A1", "\uAB70\uAB71")] // Cherokee capital and small letters
    [InlineData("\u1F88", "\u1F00\u03B9")] // Greek capital with prosgegrammeni
    [InlineData("\u017Fcott", "Scott")] // long s
    public void Fold_SpellingsOfOneName_AreEqual(string one, string other) =>
        Assert.Equal(ScimText.Fold(one), ScimText.Fold(other));

    [Theory]
    [InlineData("kelvin", "kelvln")]
    [InlineData("jos\u00E9", "jose")]
    [InlineData("\u00E5", "a")]
    [InlineData("\u03C9", "w")]
    [InlineData("\u0436", "x")]
    [InlineData("\u0131stanbul", "Istanbul")] // dotless ı is a letter of its own (Unicode's default folding; the earlier key agreed)
    public void Fold_DifferentNames_StayDifferent(string one, string other) =>
        Assert.NotEqual(ScimText.Fold(one), ScimText.Fold(other));

    [Theory]
    [InlineData("Ada@Contoso.Example", "ada@contoso.example")]
    [InlineData("\u212Aelvin", "kelvin")]
    [InlineData("Jose\u0301", "jos\u00E9")]
    public void Fold_GivesTheLowerCaseComposedSpelling(string value, string expected) =>
        Assert.Equal(expected, ScimText.Fold(value));

    [Fact]
    public void Fold_UnpairedSurrogateOrNoncharacter_IsReplacedNotThrown()
    {
        Assert.Equal("a\uFFFDb", ScimText.Fold("A\uD800b"));
        Assert.Equal("a\uFFFDb", ScimText.Fold("A\uFFFEb"));
    }

    /// <summary>
    /// Over every code point: folding twice changes nothing, and upper- or lower-casing first changes nothing, so the
    /// key is at least as coarse as the upper-case key it replaces and as a lower-case comparison on the other side.
    /// </summary>
    [Fact]
    public void Fold_EveryCodePoint_IsAFixedPointAndIgnoresCase()
    {
        var failures = new List<string>();
        for (var c = 0; c <= 0x10FFFF; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF or 0xFFFE)
            {
                continue;
            }

            var text = "a" + char.ConvertFromUtf32(c) + "z";
            var folded = ScimText.Fold(text);
            if (ScimText.Fold(folded) != folded
                || ScimText.Fold(text.ToUpperInvariant()) != folded
                || ScimText.Fold(text.ToLowerInvariant()) != folded
                || ScimText.Fold(text.Normalize(NormalizationForm.FormD)) != folded)
            {
                failures.Add($"U+{c:X4}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} code points: {string.Join(' ', failures.Take(50))}");
    }
}
