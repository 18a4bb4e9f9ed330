package io.geo.wan;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WanProfileTest
{
    private static final double EXACT = 0.0;

    @TempDir
    Path tempDir;

    @Test
    void shouldLoadEveryShippedProfile() throws Exception
    {
        final List<Path> files = shippedFiles();
        final List<String> names = new ArrayList<>();
        for (final Path file : files)
        {
            final WanProfile profile = WanProfile.load(file);
            final String fileName = file.getFileName().toString();
            assertEquals(fileName.substring(0, fileName.length() - WanProfile.FILE_EXTENSION.length()), profile.name(),
                "profile name should match its file name: " + file);
            assertTrue(profile.regionCount() >= 1, file.toString());
            assertEquals(profile.regionCount(), profile.regions().size());
            names.add(profile.name());
        }

        assertTrue(names.containsAll(List.of("epaxos-5", "three-regions", "seven-regions", "lan")), names.toString());
    }

    @Test
    void shouldGiveTheRoundTripToTheNthNearestRegion() throws Exception
    {
        final WanProfile profile = TestConfig.shipped("epaxos-5");
        for (int r = 0; r < profile.regionCount(); r++)
        {
            assertEquals(0, profile.nearestRttMs(r, 0));
            double previous = 0;
            for (int nth = 1; nth < profile.regionCount(); nth++)
            {
                final double rtt = profile.nearestRttMs(r, nth);
                assertTrue(rtt >= previous, "sorted");
                int closer = 0;
                for (int i = 0; i < profile.regionCount(); i++)
                {
                    closer += i != r && profile.rttMs(r, i) < rtt ? 1 : 0;
                }
                assertTrue(closer < nth, "region " + r + ": " + closer + " regions closer than the " + nth + "th");
                previous = rtt;
            }
        }
        final int n = profile.regionCount();
        assertThrows(IndexOutOfBoundsException.class, () -> profile.nearestRttMs(0, n));
        assertThrows(IndexOutOfBoundsException.class, () -> profile.nearestRttMs(n, 1));
    }

    @Test
    void shouldShipProfilesWithTheAgreedRegions()
    {
        assertEquals(
            List.of("us-west-1", "us-east-1", "eu-west-1", "us-west-2", "ap-northeast-1"),
            TestConfig.shipped("epaxos-5").regions());
        final List<String> threeRegions = List.of("us-east-1", "eu-west-1", "ap-northeast-1");
        assertEquals(threeRegions, TestConfig.shipped("three-regions").regions());
        assertEquals(threeRegions, TestConfig.shipped("lan").regions());

        final WanProfile seven = TestConfig.shipped("seven-regions");
        assertEquals(7, seven.regionCount());
        assertEquals(TestConfig.shipped("epaxos-5").regions(), seven.regions().subList(0, 5));
    }

    @Test
    void shouldHaveSymmetricLinksAndZeroDiagonalInEveryShippedProfile() throws Exception
    {
        for (final Path file : shippedFiles())
        {
            final WanProfile profile = WanProfile.load(file);
            final int n = profile.regionCount();
            for (int a = 0; a < n; a++)
            {
                assertEquals(0.0, profile.rttMs(a, a), EXACT);
                assertEquals(0.0, profile.jitterMs(a, a), EXACT);
                assertEquals(0.0, profile.lossProbability(a, a), EXACT);
                for (int b = 0; b < n; b++)
                {
                    assertEquals(profile.rttMs(a, b), profile.rttMs(b, a), EXACT, file + " rtt " + a + "," + b);
                    assertEquals(profile.jitterMs(a, b), profile.jitterMs(b, a), EXACT, file + " jitter");
                    assertEquals(profile.lossProbability(a, b), profile.lossProbability(b, a), EXACT, file + " loss");
                    if (a != b)
                    {
                        assertTrue(profile.rttMs(a, b) > 0.0, file + " rtt " + a + "," + b);
                    }
                }
            }
        }
    }

    @Test
    void shouldCarryTheMeasuredFiguresAveragedOverBothDirections() throws Exception
    {
        final WanProfile profile = TestConfig.shipped("epaxos-5");
        final int ca = profile.regionIndex("CA");
        final int va = profile.regionIndex("VA");
        final int eu = profile.regionIndex("EU");
        final int jp = profile.regionIndex("JP");

        // us-west-1,us-east-1 avg 59.912 mdev 0.160; us-east-1,us-west-1 avg 59.911 mdev 0.304.
        assertEquals(59.912, profile.rttMs(ca, va), 0.001);
        assertEquals(0.232, profile.jitterMs(ca, va), 0.001);
        // eu-west-1,ap-northeast-1 avg 204.431 mdev 5.546; ap-northeast-1,eu-west-1 avg 204.446 mdev 5.557.
        assertEquals(204.439, profile.rttMs(eu, jp), 0.001);
        assertEquals(5.552, profile.jitterMs(eu, jp), 0.001);
        assertEquals(0.0, profile.lossProbability(eu, jp), EXACT);
    }

    @Test
    void shouldGiveEveryLanPairTheDefault()
    {
        final WanProfile lan = TestConfig.shipped("lan");
        for (int a = 0; a < lan.regionCount(); a++)
        {
            for (int b = 0; b < lan.regionCount(); b++)
            {
                if (a != b)
                {
                    assertEquals(0.2, lan.rttMs(a, b), EXACT);
                    assertEquals(0.05, lan.jitterMs(a, b), EXACT);
                    assertEquals(0.0, lan.lossProbability(a, b), EXACT);
                }
            }
        }
    }

    @Test
    void shouldFindRegionsByNameAndAlias() throws Exception
    {
        final WanProfile profile = TestConfig.shipped("epaxos-5");
        assertEquals(0, profile.regionIndex("us-west-1"));
        assertEquals(0, profile.regionIndex("CA"));
        assertEquals(1, profile.regionIndex("VA"));
        assertEquals(4, profile.regionIndex("ap-northeast-1"));
        assertEquals(4, profile.regionIndex("JP"));
        assertEquals(Map.of("CA", "us-west-1", "VA", "us-east-1", "EU", "eu-west-1", "OR", "us-west-2",
            "JP", "ap-northeast-1"), profile.aliases());
    }

    @Test
    void shouldNameTheUnknownRegionAndListTheKnownOnes()
    {
        final WanProfile profile = TestConfig.shipped("epaxos-5");
        final WanProfileException ex = assertThrows(WanProfileException.class, () -> profile.regionIndex("va"));
        assertTrue(ex.getMessage().contains("'va'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("us-east-1 (VA)"), ex.getMessage());
        assertTrue(ex.getMessage().contains("ap-northeast-1 (JP)"), ex.getMessage());

        assertThrows(WanProfileException.class, () -> profile.regionIndex(null));
    }

    @Test
    void shouldRejectOutOfRangeIndices()
    {
        final WanProfile profile = TestConfig.shipped("three-regions");
        assertThrows(IndexOutOfBoundsException.class, () -> profile.rttMs(0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> profile.jitterMs(-1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> profile.lossProbability(3, 3));
    }

    @Test
    void shouldResolveByName() throws Exception
    {
        final WanProfile byName = WanProfile.resolve("epaxos-5", TestConfig.configDir());
        final WanProfile byFile = WanProfile.load(TestConfig.wanDir().resolve("epaxos-5.wan"));
        assertEquals("epaxos-5", byName.name());
        assertEquals(byFile.regions(), byName.regions());
        assertEquals(byFile.rttMs(1, 4), byName.rttMs(1, 4), EXACT);
    }

    @Test
    void shouldResolveByPath() throws Exception
    {
        final Path file = tempDir.resolve("custom.wan");
        Files.writeString(file, "profile custom\nregions a b\npair a b rttMs=10 jitterMs=1\n");

        final WanProfile byAbsolutePath = WanProfile.resolve(file.toString(), null);
        assertEquals("custom", byAbsolutePath.name());
        assertEquals(10.0, byAbsolutePath.rttMs(0, 1), EXACT);

        final Path shipped = TestConfig.wanDir().resolve("lan.wan");
        final Path relative = Path.of("").toAbsolutePath().relativize(shipped.toAbsolutePath());
        assertEquals("lan", WanProfile.resolve(relative.toString(), TestConfig.configDir()).name());
    }

    @Test
    void shouldListAvailableProfilesForAnUnknownName()
    {
        final WanProfileException ex = assertThrows(
            WanProfileException.class, () -> WanProfile.resolve("epaxos-9", TestConfig.configDir()));
        assertTrue(ex.getMessage().contains("'epaxos-9'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("epaxos-5, lan, seven-regions, three-regions"), ex.getMessage());
    }

    @Test
    void shouldRejectBadNamesAndMissingFilesInResolve()
    {
        assertThrows(WanProfileException.class, () -> WanProfile.resolve(" ", TestConfig.configDir()));
        assertThrows(WanProfileException.class, () -> WanProfile.resolve("bad name", TestConfig.configDir()));
        assertThrows(WanProfileException.class, () -> WanProfile.resolve("epaxos-5", null));

        final Path missing = tempDir.resolve("missing.wan");
        final WanProfileException ex = assertThrows(
            WanProfileException.class, () -> WanProfile.resolve(missing.toString(), null));
        assertEquals(missing + ": no such WAN profile file", ex.getMessage());
    }

    @Test
    void shouldRestrictToTheFirstRegions() throws Exception
    {
        final WanProfile five = TestConfig.shipped("epaxos-5");
        final WanProfile three = five.firstRegions(3);

        assertEquals("epaxos-5-first3", three.name());
        assertEquals(List.of("us-west-1", "us-east-1", "eu-west-1"), three.regions());
        assertEquals(Map.of("CA", "us-west-1", "VA", "us-east-1", "EU", "eu-west-1"), three.aliases());
        for (int a = 0; a < 3; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                assertEquals(five.rttMs(a, b), three.rttMs(a, b), EXACT);
                assertEquals(five.jitterMs(a, b), three.jitterMs(a, b), EXACT);
                assertEquals(five.lossProbability(a, b), three.lossProbability(a, b), EXACT);
            }
        }
        assertEquals(2, three.regionIndex("EU"));
        assertThrows(WanProfileException.class, () -> three.regionIndex("JP"));
        assertThrows(IndexOutOfBoundsException.class, () -> three.rttMs(0, 3));

        assertEquals(1, five.firstRegions(1).regionCount());
        assertSame(five, five.firstRegions(5));
        assertThrows(IllegalArgumentException.class, () -> five.firstRegions(0));
        assertThrows(IllegalArgumentException.class, () -> five.firstRegions(6));
    }

    @Test
    void shouldAcceptFlexibleSpacingCommentsAndAliasesInPairLines() throws Exception
    {
        final Path file = tempDir.resolve("spacing.wan");
        Files.writeString(file, String.join("\n",
            "  # leading comment",
            "profile\tspacing   # trailing comment",
            "",
            "regions r-1 r-2",
            "regions r-3",
            "alias A=r-1",
            "alias B   =   r-2",
            "pair A B rttMs = 12.5 jitterMs=.5 loss=0.25",
            "pair r-3 A jitterMs=1e-1 rttMs=3",
            "default rttMs=1 jitterMs=0",
            ""));

        final WanProfile profile = WanProfile.load(file);
        assertEquals(List.of("r-1", "r-2", "r-3"), profile.regions());
        assertEquals(12.5, profile.rttMs(1, 0), EXACT);
        assertEquals(0.5, profile.jitterMs(0, 1), EXACT);
        assertEquals(0.25, profile.lossProbability(0, 1), EXACT);
        assertEquals(3.0, profile.rttMs(0, 2), EXACT);
        assertEquals(0.1, profile.jitterMs(2, 0), EXACT);
        assertEquals(1.0, profile.rttMs(1, 2), EXACT);
        assertEquals(0.0, profile.jitterMs(1, 2), EXACT);
        assertFalse(profile.toString().isEmpty());
    }

    @Test
    void shouldAcceptASingleRegionWithoutPairs() throws Exception
    {
        final Path file = tempDir.resolve("one.wan");
        Files.writeString(file, "profile one\nregions solo\n");

        final WanProfile profile = WanProfile.load(file);
        assertEquals(1, profile.regionCount());
        assertEquals(0.0, profile.rttMs(0, 0), EXACT);
    }

    private static List<Path> shippedFiles() throws IOException
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(TestConfig.wanDir(), "*.wan"))
        {
            stream.forEach(files::add);
        }
        files.sort(null);
        assertFalse(files.isEmpty(), "no profiles in " + TestConfig.wanDir());
        return files;
    }
}
