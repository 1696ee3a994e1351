using System.Text;
using AwesomeAssertions;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Fuzz;
using LlamaJump.Tests.Pure.Gguf;

namespace LlamaJump.Tests.Pure.Fuzz;

/// <summary>CI's bounded run of tools/Fuzz (fixed seeds and input counts, so it is repeatable): the readers we own
/// throw nothing but their documented format exceptions. The long run is
/// <c>tools/Fuzz/bin/Release/net10.0/LlamaJump.Fuzz --seconds 600</c>; crashes it finds become cases below.</summary>
public sealed class FuzzSmokeTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("llamajump-fuzz-test-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    public static TheoryData<string, int> Budgets => new() { { "gguf", 6000 }, { "safetensors", 6000 }, { "jumps", 4000 } };

    [Theory]
    [MemberData(nameof(Budgets))]
    public void Mutated_files_only_ever_produce_the_documented_format_error(string target, int inputs)
    {
        var fuzzTarget = FuzzTargets.All(SharedFiles.Path(), _work).Single(t => t.Name == target);

        var report = Fuzzer.Run(fuzzTarget, _work, seed: 20261128, maxInputs: inputs, maxTime: TimeSpan.FromMinutes(2));

        TestContext.Current.TestOutputHelper?.WriteLine($"{target}: {report.Inputs} inputs, {report.Crashes.Count} crashes");
        report.Inputs.Should().Be(inputs);
        report.Crashes.Select(c => c.Error).Should().BeEmpty();
    }

    [Fact]
    public void Regression_invalid_UTF8_in_a_safetensors_header_is_a_format_error()
    {
        // found by tools/Fuzz: JsonDocument accepted the header and GetString later threw InvalidOperationException
        byte[] json = [.. """{"h.0":{"dtype":"F32","shape":[1,1],"data_offsets":[0,4]},"__metadata__":{"k":"""u8, (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}', (byte)'}', .. "    "u8];
        var file = new List<byte>();
        file.AddRange(BitConverter.GetBytes((ulong)json.Length));
        file.AddRange(json);
        file.AddRange(new byte[4]);
        string path = Path.Combine(_work, "bad.safetensors");
        File.WriteAllBytes(path, file.ToArray());

        var open = () => SafetensorsFile.Open(path);

        open.Should().Throw<SafetensorsFormatException>().WithMessage("*not valid UTF-8*");
        Encoding.UTF8.GetString(json).Should().Contain("\uFFFD", "the header really holds an invalid sequence");
    }
}
