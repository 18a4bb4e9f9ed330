import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Connects to a geo cluster, writes, reads and does a compare-and-set. Run with only the driver jar:
 *
 *   java -cp geo-router/target/geo-jdbc.jar docs/examples/JdbcExample.java [jdbc-url]
 *
 * The default URL is node 0 of config/cluster/three-regions.cluster (start it with bin/geo cluster up).
 */
public class JdbcExample
{
    public static void main(final String[] args) throws Exception
    {
        final String url = args.length > 0 ? args[0] : "jdbc:geo://127.0.0.1:29410/?region=us-east-1";
        try (Connection c = DriverManager.getConnection(url))
        {
            try (PreparedStatement upsert = c.prepareStatement("UPSERT INTO kv (key, value) VALUES (?, ?)"))
            {
                upsert.setString(1, "greeting");
                upsert.setString(2, "hello");
                upsert.executeUpdate();
            }
            try (PreparedStatement select = c.prepareStatement("SELECT value FROM kv WHERE key = ?"))
            {
                select.setString(1, "greeting");
                try (ResultSet rs = select.executeQuery())
                {
                    rs.next();
                    System.out.println("read: greeting = " + rs.getString("value"));
                }
            }
            try (PreparedStatement cas = c.prepareStatement("UPDATE kv SET value = ? WHERE key = ? AND value = ?"))
            {
                cas.setString(1, "hello, world");
                cas.setString(2, "greeting");
                cas.setString(3, "hello");
                System.out.println("compare-and-set hello -> hello, world: " + (cas.executeUpdate() == 1 ? "swapped" : "not swapped"));
                System.out.println("compare-and-set again: " + (cas.executeUpdate() == 1 ? "swapped" : "not swapped"));
            }
        }
    }
}
