using System.Diagnostics;
using System.Globalization;

namespace LlamaJump.App;

/// <summary>
/// A one-line progress bar with rate and ETA on stderr when stderr is a terminal, redrawn at most ten times a
/// second; when stderr is redirected it stays quiet except for a plain line every <c>quietEvery</c> of the work
/// (default: 10%), so logs of long runs show they are alive without filling up with bars.
/// </summary>
public sealed class ProgressReporter
{
    private readonly TextWriter _writer;
    private readonly string _label;
    private readonly long _total;
    private readonly string _unit;
    private readonly bool _interactive;
    private readonly double _quietEvery;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly long _start;
    private long _done;
    private long _lastDrawTicks = long.MinValue;
    private double _lastQuietFraction;

    public ProgressReporter(TextWriter writer, string label, long total, string unit, long alreadyDone = 0, bool? interactive = null, double quietEvery = 0.1)
    {
        _writer = writer;
        _label = label;
        _total = Math.Max(total, 1);
        _unit = unit;
        _start = alreadyDone;
        _done = alreadyDone;
        _interactive = interactive ?? !Console.IsErrorRedirected;
        _quietEvery = quietEvery;
        _lastQuietFraction = (double)alreadyDone / _total;
    }

    public void Advance(long amount)
    {
        _done += amount;
        if (_interactive)
        {
            if (_clock.ElapsedTicks - _lastDrawTicks >= Stopwatch.Frequency / 10 || _done >= _total)
            {
                _lastDrawTicks = _clock.ElapsedTicks;
                _writer.Write("\r" + Line(withBar: true) + "\u001b[K");
            }
        }
        else if ((double)_done / _total - _lastQuietFraction >= _quietEvery || _done >= _total)
        {
            _lastQuietFraction = (double)_done / _total;
            _writer.WriteLine(Line(withBar: false));
        }
    }

    /// <summary>Ends the bar's line (interactive) so following output starts on a fresh line.</summary>
    public void Finish()
    {
        if (_interactive)
        {
            _writer.Write("\r" + Line(withBar: true) + "\u001b[K\n");
        }
    }

    private string Line(bool withBar)
    {
        double fraction = Math.Min(1, (double)_done / _total);
        double seconds = _clock.Elapsed.TotalSeconds;
        double rate = seconds > 0 ? (_done - _start) / seconds : 0;
        string eta = rate > 0 && _done < _total ? Duration((_total - _done) / rate) : "--:--";
        string bar = withBar ? "[" + new string('#', (int)(fraction * 30)).PadRight(30, '.') + "] " : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{_label} {bar}{_done}/{_total} {_unit} ({fraction:P0}) {rate:0.0} {_unit}/s, ETA {eta}");
    }

    private static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes:00}:{t.Seconds:00}";
    }
}
