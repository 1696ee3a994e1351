using System.Xml.Linq;
using AwesomeAssertions;

namespace LlamaJump.Tests.Pure.Build;

/// <summary>
/// The layers of src/ as the README's layout table draws them: every project references only the projects below it,
/// only Interop may hold unsafe code, and no raw context pointer is taken from a SafeHandle anywhere in src/.
/// </summary>
public sealed class LayeringTests
{
    /// <summary>Each project and the projects it may reference (the README's "references" column).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Gguf"] = [],
        ["Dumps"] = [],
        ["Models"] = ["Gguf"],
        ["Interop"] = ["Gguf"],
        ["Engine"] = ["Interop", "Models"],
        ["Shortcuts"] = ["Engine", "Dumps"],
        ["App"] = ["Engine", "Shortcuts", "Dumps"],
        ["Tui"] = ["App"],
        ["Cli"] = ["App", "Tui"],
    };

    private static string Src => Path.Combine(Gguf.SharedFiles.RepoRoot, "src");

    [Fact]
    public void Every_project_in_src_is_a_known_layer()
    {
        Directory.GetDirectories(Src).Select(Path.GetFileName).Where(d => File.Exists(Project(d!)))
            .Should().BeEquivalentTo(Allowed.Keys);
    }

    [Fact]
    public void Project_references_point_down_the_layers_only()
    {
        foreach (var (project, allowed) in Allowed)
        {
            var references = XDocument.Load(Project(project)).Descendants("ProjectReference")
                .Select(r => Path.GetFileName(Path.GetDirectoryName(r.Attribute("Include")!.Value.Replace('\\', '/')))!).ToList();
            references.Should().BeSubsetOf(allowed, $"{project} may reference only {string.Join(", ", allowed)}");
        }
    }

    [Fact]
    public void Only_Interop_allows_unsafe_code_and_no_source_takes_a_raw_handle()
    {
        foreach (var project in Allowed.Keys)
        {
            bool unsafeAllowed = XDocument.Load(Project(project)).Descendants("AllowUnsafeBlocks").Any(e => e.Value.Trim() == "true");
            unsafeAllowed.Should().Be(project == "Interop", project);
        }
        var raw = Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && File.ReadAllText(f).Contains("DangerousGetHandle", StringComparison.Ordinal));
        raw.Should().BeEmpty("the patch API takes LLamaSharp's SafeLLamaContextHandle");
    }

    private static string Project(string name) => Path.Combine(Src, name, $"LlamaJump.{name}.csproj");
}
