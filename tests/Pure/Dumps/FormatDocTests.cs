using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlamaJump.Dumps;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Tests.Pure.Gguf;
using LlamaJump.Tests.Pure.Models;

namespace LlamaJump.Tests.Pure.Dumps;

/// <summary>The numpy snippets of src/Dumps/FORMAT.md, run against dumps written here (Debian's /usr/bin/python3
/// with python3-numpy; skipped where numpy is missing).</summary>
public sealed class FormatDocTests
{
    private const string Python = "/usr/bin/python3";

    private static string[] PythonBlocks()
    {
        string format = File.ReadAllText(Path.Combine(SharedFiles.RepoRoot, "src", "Dumps", "FORMAT.md"));
        return Regex.Matches(format, "```python\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToArray();
    }

    [Theory]
    [InlineData(TensorDtype.F16, 10, 5)]
    [InlineData(TensorDtype.F32, 6, 0)]
    public void The_numpy_snippet_reads_what_the_reader_reads(TensorDtype dtype, int train, int test)
    {
        if (!File.Exists(Python) || Run(null, "-c", "import numpy").ExitCode != 0)
            Assert.Skip($"{Python} has no numpy (apt-get install python3-numpy)");
        string[] blocks = PythonBlocks();
        Assert.Equal(2, blocks.Length); // the loader, then the example

        using var temp = new TempDirectory();
        string dir = Path.Combine(temp.Root, "out");
        DumpFixture.WriteAll(dir, DumpFixture.Identity(dtype: dtype, train: train, test: test));
        string script = Path.Combine(temp.Root, "snippet.py");
        File.WriteAllText(script, blocks[0] + "\n" + blocks[1] + """

            print(json.dumps({
                "final": final.tolist(),
                "top1": top1.tolist(),
                "blocks": {n: [np.asarray(b, dtype=np.float32).tolist() for b in s["blocks"]] for n, s in splits.items()},
                "samples": {n: s["samples"] for n, s in splits.items()},
            }))
            """);

        var result = Run(temp.Root, script);
        Assert.True(result.ExitCode == 0, result.Error);
        using var json = JsonDocument.Parse(result.Output);
        using var reader = DumpReader.Open(dir);
        var trainSplit = reader.Split(DumpSplit.Train);
        Assert.Equal(trainSplit.Samples.Select(s => s.Top1), json.RootElement.GetProperty("top1").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(trainSplit.ReadBlock(2), json.RootElement.GetProperty("final").EnumerateArray()
            .SelectMany(row => row.EnumerateArray()).Select(e => (float)e.GetDouble()));
        foreach (var split in DumpSplitExtensions.All)
        {
            var data = reader.Split(split);
            var pyBlocks = json.RootElement.GetProperty("blocks").GetProperty(split.Name()).EnumerateArray().ToList();
            Assert.Equal(data.NLayer, pyBlocks.Count);
            for (int block = 0; block < data.NLayer; block++)
                Assert.Equal(data.ReadBlock(block),
                    pyBlocks[block].EnumerateArray().SelectMany(row => row.EnumerateArray()).Select(e => (float)e.GetDouble()));
            var pySamples = json.RootElement.GetProperty("samples").GetProperty(split.Name()).EnumerateArray().ToList();
            Assert.Equal(data.Samples.Select(s => (s.SampleIndex, s.Position, s.Tokens.Length)),
                pySamples.Select(s => (s.GetProperty("sample_index").GetInt32(), s.GetProperty("position").GetInt32(),
                    s.GetProperty("tokens").GetArrayLength())));
        }
    }

    private static (int ExitCode, string Output, string Error) Run(string? workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        if (workingDirectory is not null)
            start.WorkingDirectory = workingDirectory;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
