using System;
using System.Collections.Generic;
using System.IO;

namespace CoupleGen.Tests;

/// <summary>Reads the committed reference fixtures made by tests/fixtures/make_fixtures.py.</summary>
internal static class Fixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>Reads "key shape" lines (shape as comma-separated sizes, empty for scalars).</summary>
    public static Dictionary<string, string> ShapeList(string name)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines(PathOf(name)))
        {
            if (line.Length == 0)
            {
                continue;
            }

            string[] parts = line.Split(' ');
            result[parts[0]] = parts.Length > 1 ? parts[1] : string.Empty;
        }

        return result;
    }
}
