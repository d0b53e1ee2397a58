using ScimBridge.Hr;
using Xunit;

namespace ScimBridge.Tests.Hr;

/// <summary>Reading effective dates in a worker's time zone, across both DST changes.</summary>
public sealed class EffectiveTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeOnly SevenPm = new(19, 0);

    private static EffectiveInstant Resolve(string? value, string zone) => EffectiveTime.Resolve(value, EffectiveTime.Zone(zone, "timeZone"), SevenPm, Now);

    [Theory]
    [InlineData("America/Los_Angeles", "2027-01-29", "2027-01-30T03:00:00Z", "2027-01-29T19:00:00")] // PST, UTC-8
    [InlineData("America/Los_Angeles", "2027-06-30", "2027-07-01T02:00:00Z", "2027-06-30T19:00:00")] // PDT, UTC-7
    [InlineData("Asia/Kolkata", "2027-01-29", "2027-01-29T13:30:00Z", "2027-01-29T19:00:00")]
    [InlineData("Europe/Berlin", "2027-03-28T17:30", "2027-03-28T15:30:00Z", "2027-03-28T17:30:00")] // the day CEST starts
    [InlineData("America/New_York", "2027-03-14", "2027-03-14T23:00:00Z", "2027-03-14T19:00:00")] // spring forward that morning
    [InlineData("America/New_York", "2027-11-07", "2027-11-08T00:00:00Z", "2027-11-07T19:00:00")] // fall back that morning
    [InlineData("UTC", "2027-05-01T08:00:00+02:00", "2027-05-01T06:00:00Z", "2027-05-01T06:00:00")]
    public void Reads_dates_and_times_in_the_zone(string zone, string value, string utc, string local)
    {
        var effective = Resolve(value, zone);

        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), effective.At);
        Assert.Equal(local, effective.Local);
        Assert.Equal(zone, effective.TimeZone);
        Assert.False(effective.Past);
        Assert.Null(effective.Note);
    }

    [Fact]
    public void A_time_in_the_spring_gap_moves_forward_and_says_so()
    {
        var effective = Resolve("2027-03-14T02:30", "America/New_York");

        Assert.Equal(new DateTimeOffset(2027, 3, 14, 7, 30, 0, TimeSpan.Zero), effective.At);
        Assert.Equal("2027-03-14T03:30:00", effective.Local);
        Assert.Contains("does not exist", effective.Note);
        Assert.Contains("2027-03-14T07:30:00Z", effective.Note);
    }

    [Fact]
    public void A_time_in_the_autumn_overlap_takes_the_first_and_names_both()
    {
        var effective = Resolve("2027-11-07T01:30", "America/New_York");

        Assert.Equal(new DateTimeOffset(2027, 11, 7, 5, 30, 0, TimeSpan.Zero), effective.At);
        Assert.Contains("happens twice", effective.Note);
        Assert.Contains("2027-11-07T05:30:00Z", effective.Note);
        Assert.Contains("2027-11-07T06:30:00Z", effective.Note);
    }

    [Fact]
    public void A_past_date_fires_now_and_says_so()
    {
        var effective = Resolve("2026-11-30", "Europe/Paris");

        Assert.True(effective.Past);
        Assert.Contains("already past", effective.Note);
    }

    [Fact]
    public void No_date_is_now()
    {
        var effective = Resolve(null, "Asia/Tokyo");

        Assert.Equal(Now, effective.At);
        Assert.Equal("2026-12-07T21:00:00", effective.Local);
    }

    [Theory]
    [InlineData("31/03/2027")]
    [InlineData("2027-02-30")]
    [InlineData("tomorrow")]
    [InlineData("2027-03-31T25:00")]
    public void Malformed_dates_are_refused_naming_the_field(string value)
    {
        var error = Assert.Throws<HrException>(() => EffectiveTime.Resolve(value, TimeZoneInfo.Utc, SevenPm, Now, "lastDayOfWork"));

        Assert.Equal(400, error.Status);
        Assert.Equal("lastDayOfWork", error.Field);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons", "IANA")]
    [InlineData("Pacific Standard Time", "America/Los_Angeles")]
    [InlineData("", "IANA")]
    public void Unknown_and_Windows_zones_are_refused(string zone, string hint)
    {
        var error = Assert.Throws<HrException>(() => EffectiveTime.Zone(zone, "timeZone"));

        Assert.Equal("timeZone", error.Field);
        Assert.Contains(hint, error.Detail);
    }
}
