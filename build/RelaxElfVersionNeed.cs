// Compiled by MSBuild's RoslynCodeTaskFactory from CoupleGen.targets (build time), and linked into
// CoupleGen.dll with COUPLEGEN_ELF_ONLY for the run-time fallback in Native/LibTorchSharpLoadFix.cs.
using System;
using System.IO;
using System.Text;

#if !COUPLEGEN_ELF_ONLY
/// <summary>Marks one symbol-version requirement of ELF shared libraries as weak.</summary>
public sealed class CoupleGenRelaxElfVersionNeed : Microsoft.Build.Utilities.Task
{
    /// <summary>The shared libraries to patch in place (copies in an output folder, never the NuGet cache).</summary>
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    /// <summary>The version name to relax, e.g. GLIBCXX_3.4.32.</summary>
    [Microsoft.Build.Framework.Required]
    public string Version { get; set; } = string.Empty;

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            try
            {
                ElfVersionNeeds.Result result = ElfVersionNeeds.MakeWeak(path, Version);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "CoupleGen: {0}: {1} {2}", path, Version, result);
            }
            catch (Exception ex) when (ex is IOException || ex is InvalidDataException || ex is UnauthorizedAccessException)
            {
                Log.LogWarning("CoupleGen: could not relax {0} in {1}: {2}", Version, path, ex.Message);
            }
        }

        return !Log.HasLoggedErrors;
    }
}
#endif

/// <summary>
/// Reads and edits the version-needs table (.gnu.version_r) of a little-endian ELF64 file.
/// A weak requirement (VER_FLG_WEAK) lets glibc's loader start the library when the version is
/// missing, where a normal one is fatal; symbols that use it are made unversioned (VER_NDX_GLOBAL)
/// so that a lookup, if one ever happens, binds to the default version.
/// </summary>
internal static class ElfVersionNeeds
{
    public enum Result { NotRequired, AlreadyWeak, Patched }

    private const uint ShtDynSym = 11;
    private const uint ShtGnuVerNeed = 0x6ffffffe;
    private const uint ShtGnuVerSym = 0x6fffffff;
    private const ushort VerFlagWeak = 0x2;
    private const ushort VerIndexGlobal = 1;

    /// <summary>Tells whether the file requires <paramref name="version"/> and whether that requirement is weak.</summary>
    public static bool? IsWeak(string path, string version)
    {
        byte[] image = File.ReadAllBytes(path);
        foreach (var entry in FindEntries(image, version, path))
        {
            return (ReadU16(image, entry.Offset + 4) & VerFlagWeak) != 0;
        }

        return null;
    }

    /// <summary>Marks <paramref name="version"/> weak; writes atomically (temp file + rename) and only when something changes.</summary>
    public static Result MakeWeak(string path, string version)
    {
        byte[] image = File.ReadAllBytes(path);
        bool found = false, changed = false;
        foreach (var entry in FindEntries(image, version, path))
        {
            found = true;
            ushort flags = ReadU16(image, entry.Offset + 4);
            if ((flags & VerFlagWeak) == 0)
            {
                WriteU16(image, entry.Offset + 4, (ushort)(flags | VerFlagWeak));
                changed = true;
            }

            changed |= UnversionSymbols(image, entry.VersionIndex);
        }

        if (!found)
        {
            return Result.NotRequired;
        }

        if (!changed)
        {
            return Result.AlreadyWeak;
        }

        string temp = path + "." + Guid.NewGuid().ToString("N") + ".couplegen.tmp";
        File.WriteAllBytes(temp, image);
        File.Replace(temp, path, null);
        return Result.Patched;
    }

    private readonly struct VernAux
    {
        public VernAux(int offset, ushort versionIndex) { Offset = offset; VersionIndex = versionIndex; }
        public int Offset { get; }
        public ushort VersionIndex { get; }
    }

    private static System.Collections.Generic.List<VernAux> FindEntries(byte[] image, string version, string path)
    {
        var found = new System.Collections.Generic.List<VernAux>();
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
        {
            throw new InvalidDataException($"{path} is not an ELF file.");
        }

        if (image[4] != 2 || image[5] != 1)
        {
            throw new InvalidDataException($"{path} is not a little-endian 64-bit ELF file.");
        }

        var needs = FindSection(image, ShtGnuVerNeed, path);
        if (needs is null)
        {
            return found;
        }

        var strings = SectionHeader(image, (int)needs.Value.Link, path);
        int need = checked((int)needs.Value.Offset);
        int end = checked((int)(needs.Value.Offset + needs.Value.Size));
        byte[] wanted = Encoding.ASCII.GetBytes(version);
        for (int guard = 0; guard < 1024 && need + 16 <= end; guard++)
        {
            int count = ReadU16(image, need + 2);
            int aux = need + checked((int)ReadU32(image, need + 8));
            for (int i = 0; i < count && aux + 16 <= end; i++)
            {
                uint name = ReadU32(image, aux + 8);
                if (NameEquals(image, checked((int)(strings.Offset + name)), wanted))
                {
                    found.Add(new VernAux(aux, ReadU16(image, aux + 6)));
                }

                uint nextAux = ReadU32(image, aux + 12);
                if (nextAux == 0)
                {
                    break;
                }

                aux += checked((int)nextAux);
            }

            uint next = ReadU32(image, need + 12);
            if (next == 0)
            {
                break;
            }

            need += checked((int)next);
        }

        return found;
    }

    private static bool UnversionSymbols(byte[] image, ushort versionIndex)
    {
        var versym = FindSection(image, ShtGnuVerSym, "ELF");
        var dynsym = FindSection(image, ShtDynSym, "ELF");
        if (versym is null || dynsym is null)
        {
            return false;
        }

        bool changed = false;
        long symbols = (long)(dynsym.Value.Size / 24);
        for (long i = 0; i < symbols; i++)
        {
            int at = checked((int)(versym.Value.Offset + (ulong)(i * 2)));
            if ((ReadU16(image, at) & 0x7fff) == versionIndex)
            {
                WriteU16(image, at, VerIndexGlobal);
                changed = true;
            }
        }

        return changed;
    }

    private readonly struct Section
    {
        public Section(uint type, ulong offset, ulong size, uint link) { Type = type; Offset = offset; Size = size; Link = link; }
        public uint Type { get; }
        public ulong Offset { get; }
        public ulong Size { get; }
        public uint Link { get; }
    }

    private static Section? FindSection(byte[] image, uint type, string path)
    {
        int count = ReadU16(image, 0x3c);
        for (int i = 0; i < count; i++)
        {
            var section = SectionHeader(image, i, path);
            if (section.Type == type)
            {
                return section;
            }
        }

        return null;
    }

    private static Section SectionHeader(byte[] image, int index, string path)
    {
        ulong table = ReadU64(image, 0x28);
        int entrySize = ReadU16(image, 0x3a);
        long at = (long)table + ((long)index * entrySize);
        if (entrySize < 64 || at < 0 || at + 64 > image.Length)
        {
            throw new InvalidDataException($"{path} has a section header outside the file.");
        }

        int h = (int)at;
        var section = new Section(ReadU32(image, h + 4), ReadU64(image, h + 24), ReadU64(image, h + 32), ReadU32(image, h + 40));
        if (section.Offset + section.Size > (ulong)image.Length)
        {
            throw new InvalidDataException($"{path} has a section outside the file.");
        }

        return section;
    }

    private static bool NameEquals(byte[] image, int at, byte[] wanted)
    {
        if (at < 0 || at + wanted.Length >= image.Length)
        {
            return false;
        }

        for (int i = 0; i < wanted.Length; i++)
        {
            if (image[at + i] != wanted[i])
            {
                return false;
            }
        }

        return image[at + wanted.Length] == 0;
    }

    private static ushort ReadU16(byte[] b, int at) => (ushort)(b[at] | (b[at + 1] << 8));

    private static uint ReadU32(byte[] b, int at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

    private static ulong ReadU64(byte[] b, int at) => ReadU32(b, at) | ((ulong)ReadU32(b, at + 4) << 32);

    private static void WriteU16(byte[] b, int at, ushort value)
    {
        b[at] = (byte)value;
        b[at + 1] = (byte)(value >> 8);
    }
}
