namespace LlamaJump.App.Chat;

/// <summary>
/// How far apart a streaming reply's frames are. A frame — taking the new tokens, then laying out and drawing what
/// changed — costs a few milliseconds of the UI thread in Terminal.Gui, more on a loaded machine; the generator shares
/// the same cores. So the next frame waits at least the requested interval, and long enough that frames take at most
/// <see cref="UiShare"/> of the time: a frame of 2 ms keeps 40 ms, one of 10 ms is followed by 190 ms.
/// </summary>
public static class FramePacing
{
    /// <summary>The largest share of the time the UI thread spends on frames while a reply streams.</summary>
    public const double UiShare = 0.05;

    /// <summary>The wait before the next frame, after a frame that took <paramref name="frame"/>.</summary>
    public static TimeSpan Next(TimeSpan least, TimeSpan frame) =>
        TimeSpan.FromTicks(Math.Max(least.Ticks, (long)(frame.Ticks * (1 - UiShare) / UiShare)));
}
