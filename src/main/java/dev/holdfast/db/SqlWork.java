package dev.holdfast.db;

import java.sql.Connection;
import java.sql.SQLException;

/** One unit of database work, run on a borrowed connection under a deadline. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
