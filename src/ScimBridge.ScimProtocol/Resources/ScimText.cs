using System.Text;

namespace ScimBridge.ScimProtocol.Resources;

/// <summary>
/// The one comparison key for case-insensitive text (RFC 7643 <c>caseExact: false</c>): userName uniqueness, filters on
/// normalised columns, and the userName sent to monday.com all use <see cref="Fold"/>, so two names that could reach
/// monday as one account are one name here too.
/// </summary>
/// <remarks>
/// Close to Unicode's NFKC_Casefold, and deliberately a little coarser where a target might be: compatibility forms
/// (Kelvin sign, fullwidth letters, ligatures) become their plain letters, invisible default-ignorable characters are
/// dropped, case is folded both ways (so final sigma is sigma), ß is ss, and İ is i (the dot it decomposes to is
/// redundant on i). Dotless ı stays a letter of its own, as in Unicode's default folding and the earlier upper-case key.
/// </remarks>
public static class ScimText
{
    /// <summary>Bumped whenever <see cref="Fold"/> changes, so stored keys are recomputed on upgrade.</summary>
    public const int FoldVersion = 1;

    public static string Fold(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Ascii.IsValid(value))
        {
            return value.ToLowerInvariant();
        }

        // Upper then lower: either alone leaves pairs apart (ς and σ meet only in Σ, the Cherokee cases only in capitals).
        var folded = Visible(value).Normalize(NormalizationForm.FormKD).ToUpperInvariant().ToLowerInvariant()
            .Replace("ß", "ss", StringComparison.Ordinal)
            .Replace("i\u0307", "i", StringComparison.Ordinal);
        return folded.Normalize(NormalizationForm.FormKC);
    }

    /// <summary>The text without default-ignorable characters; an unpaired surrogate or U+FFFE (which normalising rejects) becomes U+FFFD.</summary>
    private static string Visible(string value)
    {
        var visible = new StringBuilder(value.Length);
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            Rune.DecodeFromUtf16(rest, out var rune, out var consumed);
            if (!IsDefaultIgnorable(rune.Value))
            {
                visible.Append((rune.Value == 0xFFFE ? Rune.ReplacementChar : rune).ToString());
            }

            rest = rest[consumed..];
        }

        return visible.ToString();
    }

    /// <summary>Unicode's Default_Ignorable_Code_Point: characters that render as nothing (soft hyphen, zero-width space…).</summary>
    private static bool IsDefaultIgnorable(int c) =>
        c is 0x00AD or 0x034F or 0x061C or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x3164 or 0xFEFF or 0xFFA0
        || c is >= 0x180B and <= 0x180F
        || c is >= 0x200B and <= 0x200F
        || c is >= 0x202A and <= 0x202E
        || c is >= 0x2060 and <= 0x206F
        || c is >= 0xFE00 and <= 0xFE0F
        || c is >= 0xFFF0 and <= 0xFFF8
        || c is >= 0x1BCA0 and <= 0x1BCA3
        || c is >= 0x1D173 and <= 0x1D17A
        || c is >= 0xE0000 and <= 0xE0FFF;
}
