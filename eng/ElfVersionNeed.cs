// Reads and patches the GNU symbol-versioning sections of an ELF64 little-endian shared library.
//
// Why: TorchSharp 0.107.0's libLibTorchSharp.so needs GLIBCXX_3.4.32 for one symbol that no
// relocation uses, and an older libstdc++ (Debian 12 stops at 3.4.30) makes the loader refuse the
// library. Marking that one version need weak (VER_FLG_WEAK) lets it load. eng/TorchSharpGlibcxx.targets
// runs this on the copies in a project's output directory, never on the NuGet cache.
//
// Two compilers see this file:
// - MSBuild's RoslynCodeTaskFactory compiles it against netstandard 2.0 and the MSBuild assemblies,
//   with no preprocessor symbols, so the WeakenGlibcxxNeed task at the bottom is included. Keep the
//   code netstandard-2.0-safe: byte arrays, no spans, no records.
// - SDK projects (tests/Pure links it) define NET, so they see only the BCL-only types.
//
// Layouts (elf.h): Elf64_Ehdr, Elf64_Shdr, Elf64_Verneed/Vernaux (SHT_GNU_verneed, ".gnu.version_r"),
// Elf64_Verdef/Verdaux (SHT_GNU_verdef, ".gnu.version_d"). Every offset read from the file is
// bounds-checked; malformed input throws InvalidDataException naming the file and the bad field.
#nullable enable

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
#if !NET
using Microsoft.Build.Framework;
#endif

namespace LlamaJump.Build;

/// <summary>One Vernaux entry: the object needs version <see cref="Name"/> from library <see cref="File"/>.</summary>
public sealed class ElfNeededVersion
{
    public ElfNeededVersion(string file, string name, ushort flags, long flagsOffset)
    {
        File = file;
        Name = name;
        Flags = flags;
        FlagsOffset = flagsOffset;
    }

    /// <summary>The needed library's soname (vn_file), e.g. "libstdc++.so.6".</summary>
    public string File { get; }

    /// <summary>The version name (vna_name), e.g. "GLIBCXX_3.4.32".</summary>
    public string Name { get; }

    /// <summary>vna_flags; see <see cref="ElfVersionNeed.VerFlagWeak"/>.</summary>
    public ushort Flags { get; }

    /// <summary>File offset of the two-byte little-endian vna_flags field.</summary>
    public long FlagsOffset { get; }

    public bool IsWeak => (Flags & ElfVersionNeed.VerFlagWeak) != 0;

    public override string ToString() => $"{File} {Name}{(IsWeak ? " (weak)" : "")}";
}

public enum ElfWeakenResult
{
    /// <summary>The need was strong and is now weak.</summary>
    Weakened,

    /// <summary>The need was already weak; nothing was written.</summary>
    AlreadyWeak,

    /// <summary>The object does not need that version from that library; nothing was written.</summary>
    NotFound,
}

public static class ElfVersionNeed
{
    /// <summary>VER_FLG_WEAK: the loader does not fail when the version is missing.</summary>
    public const ushort VerFlagWeak = 0x2;

    private const ushort VerFlagBase = 0x1;
    private const uint ShtStrtab = 3;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const int EhdrSize = 64;
    private const int ShdrSize = 64;
    private const int VerneedSize = 16;
    private const int VernauxSize = 16;
    private const int VerdefSize = 20;
    private const int VerdauxSize = 8;

    /// <summary>Every version need in the object, in section order. Empty when it has no .gnu.version_r.</summary>
    public static IReadOnlyList<ElfNeededVersion> ReadNeeds(string path) => ReadNeeds(File.ReadAllBytes(path), path);

    public static IReadOnlyList<ElfNeededVersion> ReadNeeds(byte[] image, string source = "ELF image")
    {
        var elf = new Elf(image, source);
        var needs = new List<ElfNeededVersion>();
        Section? section = elf.FindSection(ShtGnuVerneed, ".gnu.version_r");
        if (section == null)
        {
            return needs;
        }

        Section strings = elf.LinkedStringTable(section);
        long position = section.Offset;
        int entries = 0;
        while (true)
        {
            string where = $".gnu.version_r entry {entries} at offset 0x{position:x}";
            elf.RequireInside(section, position, VerneedSize, where);
            ushort version = elf.U16(position);
            if (version != 1)
            {
                throw elf.Malformed($"{where} has vn_version {version}; only version 1 is defined");
            }

            int count = elf.U16(position + 2);
            string file = elf.String(strings, elf.U32(position + 4), $"{where} vn_file");
            long aux = position + elf.U32(position + 8);
            uint next = elf.U32(position + 12);
            for (int i = 0; i < count; i++)
            {
                string auxWhere = $"{where}: Vernaux {i} at offset 0x{aux:x}";
                elf.RequireInside(section, aux, VernauxSize, auxWhere);
                ushort flags = elf.U16(aux + 4);
                string name = elf.String(strings, elf.U32(aux + 8), $"{auxWhere} vna_name");
                needs.Add(new ElfNeededVersion(file, name, flags, aux + 4));
                uint auxNext = elf.U32(aux + 12);
                if (auxNext == 0 && i + 1 < count)
                {
                    throw elf.Malformed($"{where} has vn_cnt {count} but its Vernaux chain ends after {i + 1}");
                }

                aux += auxNext;
            }

            entries++;
            if (next == 0)
            {
                break;
            }

            position += next; // vn_next is unsigned: the walk only moves forward and RequireInside ends it.
        }

        if (section.Info != 0 && section.Info != entries)
        {
            throw elf.Malformed($".gnu.version_r sh_info says {section.Info} entries but its vn_next chain has {entries}");
        }

        return needs;
    }

    /// <summary>The version names the object defines (first Verdaux of each non-base Verdef).</summary>
    public static IReadOnlyList<string> ReadDefinitions(string path) => ReadDefinitions(File.ReadAllBytes(path), path);

    public static IReadOnlyList<string> ReadDefinitions(byte[] image, string source = "ELF image")
    {
        var elf = new Elf(image, source);
        var names = new List<string>();
        Section? section = elf.FindSection(ShtGnuVerdef, ".gnu.version_d");
        if (section == null)
        {
            return names;
        }

        Section strings = elf.LinkedStringTable(section);
        long position = section.Offset;
        int entries = 0;
        while (true)
        {
            string where = $".gnu.version_d entry {entries} at offset 0x{position:x}";
            elf.RequireInside(section, position, VerdefSize, where);
            ushort version = elf.U16(position);
            if (version != 1)
            {
                throw elf.Malformed($"{where} has vd_version {version}; only version 1 is defined");
            }

            ushort flags = elf.U16(position + 2);
            ushort count = elf.U16(position + 6);
            long aux = position + elf.U32(position + 12);
            uint next = elf.U32(position + 16);
            if (count == 0)
            {
                throw elf.Malformed($"{where} has vd_cnt 0; a definition needs at least its own name");
            }

            elf.RequireInside(section, aux, VerdauxSize, $"{where}: first Verdaux at offset 0x{aux:x}");
            string name = elf.String(strings, elf.U32(aux), $"{where} vda_name");
            if ((flags & VerFlagBase) == 0)
            {
                names.Add(name);
            }

            entries++;
            if (next == 0)
            {
                break;
            }

            position += next;
        }

        if (section.Info != 0 && section.Info != entries)
        {
            throw elf.Malformed($".gnu.version_d sh_info says {section.Info} entries but its vd_next chain has {entries}");
        }

        return names;
    }

    public static bool DefinesVersion(string path, string version) => ReadDefinitions(path).Contains(version, StringComparer.Ordinal);

    /// <summary>
    /// Sets VER_FLG_WEAK on the need for <paramref name="version"/> from <paramref name="file"/> in
    /// <paramref name="image"/>. Only the two-byte vna_flags fields of matching entries change.
    /// </summary>
    public static ElfWeakenResult Weaken(byte[] image, string file, string version, string source = "ELF image")
    {
        var matches = ReadNeeds(image, source)
            .Where(n => n.File == file && n.Name == version)
            .ToList();
        if (matches.Count == 0)
        {
            return ElfWeakenResult.NotFound;
        }

        if (matches.All(n => n.IsWeak))
        {
            return ElfWeakenResult.AlreadyWeak;
        }

        foreach (ElfNeededVersion need in matches)
        {
            ushort flags = (ushort)(need.Flags | VerFlagWeak);
            image[need.FlagsOffset] = (byte)flags;
            image[need.FlagsOffset + 1] = (byte)(flags >> 8);
        }

        return ElfWeakenResult.Weakened;
    }

    /// <summary>
    /// The same, on a file. When something changes, the patched bytes go to a temporary copy that is
    /// renamed over <paramref name="path"/>: a hard link or symlink into the NuGet cache is replaced,
    /// never written through. The file keeps its size, permissions and last-write time, so MSBuild's
    /// Copy (SkipUnchangedFiles compares size and time) leaves the patched copy alone next build.
    /// Nothing is written unless the result is <see cref="ElfWeakenResult.Weakened"/>.
    /// </summary>
    public static ElfWeakenResult Weaken(string path, string file, string version)
    {
        byte[] image = File.ReadAllBytes(path);
        ElfWeakenResult result = Weaken(image, file, version, path);
        if (result != ElfWeakenResult.Weakened)
        {
            return result;
        }

        DateTime lastWrite = File.GetLastWriteTimeUtc(path);
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.Copy(path, temporary, overwrite: true);
            File.WriteAllBytes(temporary, image);
            File.SetLastWriteTimeUtc(temporary, lastWrite);
            File.Replace(temporary, path, destinationBackupFileName: null);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        return result;
    }

    /// <summary>The section table of one ELF64 little-endian image, with checked little-endian reads.</summary>
    private sealed class Elf
    {
        private readonly byte[] _image;
        private readonly string _source;
        private readonly List<Section> _sections = new List<Section>();

        public Elf(byte[] image, string source)
        {
            _image = image;
            _source = source;
            if (image.Length < EhdrSize)
            {
                throw Malformed($"is {image.Length} bytes, too short for an ELF64 header ({EhdrSize} bytes)");
            }

            if (image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            {
                throw Malformed("is not an ELF file (no \\x7fELF magic)");
            }

            switch (image[4])
            {
                case 2:
                    break;
                case 1:
                    throw Malformed("is a 32-bit ELF (ELFCLASS32); only ELF64 is supported");
                default:
                    throw Malformed($"has unknown ELF class {image[4]}");
            }

            switch (image[5])
            {
                case 1:
                    break;
                case 2:
                    throw Malformed("is a big-endian ELF (ELFDATA2MSB); only little-endian is supported");
                default:
                    throw Malformed($"has unknown ELF data encoding {image[5]}");
            }

            long tableOffset = Offset(U64(0x28), "e_shoff");
            int entrySize = U16(0x3a);
            long count = U16(0x3c);
            if (tableOffset == 0)
            {
                throw Malformed("has no section header table (e_shoff is 0)");
            }

            if (entrySize < ShdrSize)
            {
                throw Malformed($"has e_shentsize {entrySize}; ELF64 section headers are {ShdrSize} bytes");
            }

            if (count == 0)
            {
                // Extended numbering: the real count is in section 0's sh_size.
                Require(tableOffset, ShdrSize, "section header 0");
                count = Offset(U64(tableOffset + 0x20), "section header 0 sh_size (extended e_shnum)");
            }

            Require(tableOffset, count * entrySize, $"section header table ({count} x {entrySize} bytes at offset 0x{tableOffset:x})");
            for (int index = 0; index < count; index++)
            {
                long header = tableOffset + (index * (long)entrySize);
                _sections.Add(new Section(
                    index,
                    type: U32(header + 4),
                    offset: Offset(U64(header + 0x18), $"section {index} sh_offset"),
                    size: Offset(U64(header + 0x20), $"section {index} sh_size"),
                    link: U32(header + 0x28),
                    info: U32(header + 0x2c)));
            }
        }

        public Section? FindSection(uint type, string name)
        {
            Section? section = _sections.FirstOrDefault(s => s.Type == type);
            if (section != null)
            {
                Require(section.Offset, section.Size, $"{name} (section {section.Index}, {section.Size} bytes at offset 0x{section.Offset:x})");
            }

            return section;
        }

        public Section LinkedStringTable(Section section)
        {
            if (section.Link == 0 || section.Link >= _sections.Count)
            {
                throw Malformed($"section {section.Index} has sh_link {section.Link}, which is not a section index");
            }

            Section strings = _sections[(int)section.Link];
            if (strings.Type != ShtStrtab)
            {
                throw Malformed($"section {section.Index} links to section {strings.Index}, which is not a string table (sh_type 0x{strings.Type:x})");
            }

            Require(strings.Offset, strings.Size, $"string table (section {strings.Index}, {strings.Size} bytes at offset 0x{strings.Offset:x})");
            return strings;
        }

        public string String(Section strings, uint offset, string what)
        {
            if (offset >= strings.Size)
            {
                throw Malformed($"{what} points at string 0x{offset:x}, outside its {strings.Size}-byte string table");
            }

            long start = strings.Offset + offset;
            long end = strings.Offset + strings.Size;
            for (long i = start; i < end; i++)
            {
                if (_image[i] == 0)
                {
                    return Encoding.UTF8.GetString(_image, (int)start, (int)(i - start));
                }
            }

            throw Malformed($"{what} points at string 0x{offset:x}, which runs off the end of its string table");
        }

        public void RequireInside(Section section, long position, long length, string what)
        {
            if (position < section.Offset || position + length > section.Offset + section.Size)
            {
                throw Malformed($"{what} lies outside its section (section {section.Index}: {section.Size} bytes at offset 0x{section.Offset:x})");
            }
        }

        public ushort U16(long position)
        {
            Require(position, 2, $"2-byte field at 0x{position:x}");
            return (ushort)(_image[position] | (_image[position + 1] << 8));
        }

        public uint U32(long position)
        {
            Require(position, 4, $"4-byte field at 0x{position:x}");
            return _image[position]
                | ((uint)_image[position + 1] << 8)
                | ((uint)_image[position + 2] << 16)
                | ((uint)_image[position + 3] << 24);
        }

        public ulong U64(long position) => U32(position) | ((ulong)U32(position + 4) << 32);

        public InvalidDataException Malformed(string problem) => new InvalidDataException($"{_source}: {problem}.");

        private long Offset(ulong value, string what)
        {
            if (value > (ulong)_image.Length)
            {
                throw Malformed($"{what} is 0x{value:x}, past the end of the {_image.Length}-byte file");
            }

            return (long)value;
        }

        private void Require(long position, long length, string what)
        {
            if (position < 0 || length < 0 || position > _image.Length - length)
            {
                throw Malformed($"{what} runs past the end of the {_image.Length}-byte file");
            }
        }
    }

    private sealed class Section
    {
        public Section(int index, uint type, long offset, long size, uint link, uint info)
        {
            Index = index;
            Type = type;
            Offset = offset;
            Size = size;
            Link = link;
            Info = info;
        }

        public int Index { get; }
        public uint Type { get; }
        public long Offset { get; }
        public long Size { get; }
        public uint Link { get; }
        public uint Info { get; }
    }
}

/// <summary>Finds the shared library the dynamic loader would use for a soname.</summary>
public static class SystemLibrary
{
    private static readonly string[] MultiarchDirectories = { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64" };

    /// <summary>The multiarch (or lib64) path if it exists, else the x86-64 entry of `ldconfig -p`; null when neither has it.</summary>
    public static string? Locate(string soname)
    {
        foreach (string directory in MultiarchDirectories)
        {
            string candidate = Path.Combine(directory, soname);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        foreach (string ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig" })
        {
            string? output = TryRun(ldconfig, "-p");
            if (output != null)
            {
                return FindInLdconfigCache(output, soname);
            }
        }

        return null;
    }

    /// <summary>Picks the x86-64 path for <paramref name="soname"/> from `ldconfig -p` output.</summary>
    public static string? FindInLdconfigCache(string ldconfigOutput, string soname)
    {
        // Lines look like: "\tlibstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6".
        foreach (string line in ldconfigOutput.Split('\n'))
        {
            string trimmed = line.Trim();
            int arrow = trimmed.IndexOf(" => ", StringComparison.Ordinal);
            if (arrow < 0 || !trimmed.StartsWith(soname + " (", StringComparison.Ordinal))
            {
                continue;
            }

            string attributes = trimmed.Substring(soname.Length, arrow - soname.Length);
            if (attributes.IndexOf("x86-64", StringComparison.Ordinal) >= 0)
            {
                return trimmed.Substring(arrow + 4).Trim();
            }
        }

        return null;
    }

    private static string? TryRun(string fileName, string arguments)
    {
        try
        {
            var start = new ProcessStartInfo(fileName, arguments)
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using Process? process = Process.Start(start);
            if (process == null)
            {
                return null;
            }

            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // Not installed at that path.
        }
    }
}

#if !NET
/// <summary>
/// MSBuild task (eng/TorchSharpGlibcxx.targets): if the system libstdc++ lacks <see cref="Version"/>,
/// mark that need weak in each of <see cref="Libraries"/>. Logs one high-importance line either way.
/// </summary>
public sealed class WeakenGlibcxxNeed : Microsoft.Build.Utilities.Task
{
    [Required]
    public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    public string Version { get; set; } = "GLIBCXX_3.4.32";

    public string NeededLibrary { get; set; } = "libstdc++.so.6";

    /// <summary>Overrides where the system libstdc++ is looked for.</summary>
    public string SystemLibraryPath { get; set; } = "";

    public override bool Execute()
    {
        string names = string.Join(", ", Libraries.Select(l => l.ItemSpec));
        try
        {
            string? system = SystemLibraryPath.Length > 0 ? SystemLibraryPath : SystemLibrary.Locate(NeededLibrary);
            if (system == null)
            {
                Log.LogMessage(MessageImportance.High, $"LlamaJump: could not find the system {NeededLibrary}; left {names} as shipped.");
                return true;
            }

            IReadOnlyList<string> defined = ElfVersionNeed.ReadDefinitions(system);
            if (defined.Contains(Version, StringComparer.Ordinal))
            {
                Log.LogMessage(MessageImportance.High, $"LlamaJump: {system} defines {Version}; left {names} as shipped.");
                return true;
            }

            var outcomes = Libraries
                .Select(l => $"{l.ItemSpec} ({Describe(ElfVersionNeed.Weaken(l.GetMetadata("FullPath"), NeededLibrary, Version))})")
                .ToList();
            Log.LogMessage(
                MessageImportance.High,
                $"LlamaJump: {system} lacks {Version} (newest {Newest(defined)}); marked that version need weak in {string.Join(", ", outcomes)}.");
        }
        catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
        {
            Log.LogError($"LlamaJump: could not mark {Version} weak in {names}: {e.Message}");
        }

        return !Log.HasLoggedErrors;
    }

    private static string Describe(ElfWeakenResult result) => result switch
    {
        ElfWeakenResult.Weakened => "patched",
        ElfWeakenResult.AlreadyWeak => "already weak",
        _ => "no such need",
    };

    private string Newest(IReadOnlyList<string> defined)
    {
        // "GLIBCXX_3.4.30" sorts by its numbers (3.4.30 after 3.4.4), padded to four parts.
        string prefix = Version.Substring(0, Version.IndexOf('_') + 1);
        return defined
            .Where(d => d.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(d => d.Substring(prefix.Length).Split('.').Concat(new[] { "0", "0", "0", "0" }).Take(4)
                .Aggregate(0L, (key, part) => (key * 10000) + (int.TryParse(part, out int n) ? n : 0)))
            .LastOrDefault() ?? $"no {prefix}*";
    }
}
#endif
