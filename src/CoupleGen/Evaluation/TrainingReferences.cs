using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Faces;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CoupleGen.Evaluation;

/// <summary>
/// What the baselines take from the training pairs, read once: the mean partner overall and per sex, and
/// (with face measures) every training partner with its sex and the identity embedding of its input.
/// </summary>
internal sealed class TrainingReferences : IDisposable
{
    private readonly List<Image<Rgb24>> partners = new();
    private readonly List<Sex> partnerSexes = new();
    private readonly List<FaceEmbedding> inputEmbeddings = new();
    private readonly Dictionary<Sex, Image<Rgb24>> meanBySex = new();

    private TrainingReferences(Image<Rgb24> meanPartner) => MeanPartner = meanPartner;

    /// <summary>Gets the pixel-wise mean of all training partners.</summary>
    public Image<Rgb24> MeanPartner { get; }

    public static TrainingReferences Build(IPairedDataset training, PairDirection direction, int size, FaceJudge? judge)
    {
        var all = new PixelMean(size);
        var bySex = new Dictionary<Sex, PixelMean> { [Sex.Female] = new(size), [Sex.Male] = new(size) };
        var references = new List<(Image<Rgb24> Partner, Sex Sex, FaceEmbedding Embedding)>();
        try
        {
            for (int i = 0; i < training.Count; i++)
            {
                using ImagePair pair = training.GetPair(i);
                var (a, b) = PairAugmentation.Apply(pair, size, size, randomCrop: false, randomFlip: false, new Random(0));
                var (input, partner) = direction == PairDirection.AToB ? (a, b) : (b, a);
                using (input)
                {
                    all.Add(partner);
                    if (judge is null)
                    {
                        partner.Dispose();
                        continue;
                    }

                    Sex sex = judge.SexOf(partner);
                    bySex[sex].Add(partner);
                    references.Add((partner, sex, judge.Embed(input)));
                }
            }

            var result = new TrainingReferences(all.ToImage());
            foreach (var (partner, sex, embedding) in references)
            {
                result.partners.Add(partner);
                result.partnerSexes.Add(sex);
                result.inputEmbeddings.Add(embedding);
            }

            foreach (var (sex, mean) in bySex.Where(m => m.Value.Count > 0))
            {
                result.meanBySex[sex] = mean.ToImage();
            }

            return result;
        }
        catch
        {
            references.ForEach(r => r.Partner.Dispose());
            throw;
        }
    }

    /// <summary>The mean training partner of <paramref name="sex"/>, or of all when there is none of that sex.</summary>
    public Image<Rgb24> MeanPartnerOf(Sex sex) => meanBySex.GetValueOrDefault(sex) ?? MeanPartner;

    /// <summary>The training partner whose input is most similar to <paramref name="input"/> by identity.</summary>
    public Image<Rgb24> MostSimilarPartner(FaceEmbedding input)
    {
        int best = 0;
        for (int i = 1; i < inputEmbeddings.Count; i++)
        {
            if (input.CosineSimilarity(inputEmbeddings[i]) > input.CosineSimilarity(inputEmbeddings[best]))
            {
                best = i;
            }
        }

        return partners[best];
    }

    /// <summary>A training partner of <paramref name="sex"/> chosen by <paramref name="seed"/> (any partner when there is none of that sex).</summary>
    public Image<Rgb24> RandomPartnerOf(Sex sex, int seed)
    {
        var candidates = Enumerable.Range(0, partners.Count).Where(i => partnerSexes[i] == sex).ToArray();
        if (candidates.Length == 0)
        {
            candidates = Enumerable.Range(0, partners.Count).ToArray();
        }

        return partners[candidates[new Random(seed).Next(candidates.Length)]];
    }

    public void Dispose()
    {
        MeanPartner.Dispose();
        partners.ForEach(p => p.Dispose());
        foreach (var mean in meanBySex.Values)
        {
            mean.Dispose();
        }
    }

    /// <summary>A running pixel-wise mean of images of one size.</summary>
    private sealed class PixelMean
    {
        private readonly int size;
        private readonly double[] sum;
        private readonly byte[] pixels;

        public PixelMean(int size)
        {
            this.size = size;
            sum = new double[size * size * 3];
            pixels = new byte[size * size * 3];
        }

        public int Count { get; private set; }

        public void Add(Image<Rgb24> image)
        {
            image.CopyPixelDataTo(pixels);
            for (int p = 0; p < pixels.Length; p++)
            {
                sum[p] += pixels[p];
            }

            Count++;
        }

        public Image<Rgb24> ToImage()
        {
            for (int p = 0; p < pixels.Length; p++)
            {
                pixels[p] = (byte)Math.Round(sum[p] / Count);
            }

            return Image.LoadPixelData<Rgb24>(pixels, size, size);
        }
    }
}
