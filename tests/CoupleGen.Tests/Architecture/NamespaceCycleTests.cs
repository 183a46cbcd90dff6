using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using NetArchTest.Rules;
using Xunit;
using Xunit.Abstractions;

namespace CoupleGen.Tests.Architecture;

/// <summary>
/// The library's folders (one namespace each) must not depend on each other in a cycle. The cycles that exist
/// today are listed as debt (issue 20); a new one fails the build's tests with the types that make it, and a
/// listed cycle that disappears must be removed from the list so it cannot come back.
/// </summary>
[Trait("Category", "Unit")]
public class NamespaceCycleTests(ITestOutputHelper output)
{
    /// <summary>
    /// Today's cycles, as the groups of folders that reach each other (strongly connected components): none. The
    /// last, [Faces, Losses, Models, Training, Weights], ended when reading a checkpoint's generator moved into
    /// Weights (<c>CheckpointArchive</c>), so Weights no longer reaches back into Training.
    /// </summary>
    private static readonly string[][] KnownCycleGroups = Array.Empty<string[]>();

    private static readonly Assembly Library = typeof(CoupleGen.Generation.PartnerGenerator).Assembly;

    [Fact]
    public void NoNewNamespaceCycle()
    {
        var folders = Library.GetTypes()
            .Select(type => type.Namespace)
            .Where(name => name is not null && name.StartsWith("CoupleGen.", StringComparison.Ordinal))
            .Select(name => name!.Split('.')[1])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

        // Which folder's types use which other folder (sub-namespaces count as their folder).
        var uses = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var evidence = new Dictionary<(string, string), string>();
        foreach (string from in folders)
        {
            uses[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (string to in folders.Where(other => other != from))
            {
                var types = Types.InAssembly(Library).That().ResideInNamespace($"CoupleGen.{from}").And().HaveDependencyOn($"CoupleGen.{to}").GetTypes().ToList();
                if (types.Count > 0)
                {
                    uses[from].Add(to);
                    evidence[(from, to)] = string.Join(", ", types.Select(type => type.Name).Take(4));
                }
            }
        }

        // Groups of folders that reach each other.
        var groups = new List<string>();
        var grouped = new HashSet<string>(StringComparer.Ordinal);
        foreach (string a in folders.Where(folder => !grouped.Contains(folder)))
        {
            var group = folders.Where(b => b == a || (Reaches(uses, a, b) && Reaches(uses, b, a))).ToList();
            grouped.UnionWith(group);
            if (group.Count > 1)
            {
                groups.Add(string.Join(", ", group));
            }
        }

        var mutual = folders.SelectMany(a => uses[a].Where(b => string.CompareOrdinal(a, b) < 0 && uses[b].Contains(a)).Select(b => $"{a} <-> {b} ({evidence[(a, b)]} / {evidence[(b, a)]})")).ToList();
        output.WriteLine("Cycle groups: " + string.Join("; ", groups));
        output.WriteLine("Mutual uses: " + string.Join("; ", mutual));

        var known = KnownCycleGroups.Select(group => string.Join(", ", group.Order(StringComparer.Ordinal))).ToList();
        var added = groups.Except(known).ToList();
        var gone = known.Except(groups).ToList();
        Assert.True(
            added.Count == 0 && gone.Count == 0,
            $"The namespace cycles changed. Now: [{string.Join("] [", groups)}]; listed: [{string.Join("] [", known)}]. "
            + "A group that grew or appeared is a new cycle: cut the use that closes it. A group that shrank is progress: update KnownCycleGroups. "
            + "Mutual uses: " + string.Join("; ", mutual));
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> uses, string from, string to)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var next = new Queue<string>(uses[from]);
        while (next.Count > 0)
        {
            string current = next.Dequeue();
            if (current == to)
            {
                return true;
            }

            if (seen.Add(current))
            {
                foreach (string further in uses[current])
                {
                    next.Enqueue(further);
                }
            }
        }

        return false;
    }
}
