using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace CoupleGen.Tests;

/// <summary>Reads the committed reference fixtures made by tests/fixtures/make_fixtures.py.</summary>
internal static class Fixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>Gets the models folder of NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 (a PackageDownload of the test project).</summary>
    public static string ResNet18FeaturizerFolder => typeof(Fixtures).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ResNet18Featurizer").Value!;

    /// <summary>Gets that package's ImageNet ResNet18 (CNTK export as ONNX).</summary>
    public static string ResNet18Onnx => Path.Combine(ResNet18FeaturizerFolder, "ResNet18Onnx", "ResNet18.onnx");

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
