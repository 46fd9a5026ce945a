package dev.junction.router.internal;

import dev.junction.router.Dialect;
import dev.junction.router.PinReason;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * What the classifier knows about functions without asking a catalog: which built-ins only read,
 * which have side effects (write, lock, consume a sequence, read per-connection state such as
 * {@code LAST_INSERT_ID()}), which answer differently per node, and which pin a session.
 *
 * <p>Names are compared in lower case. A function is only considered built-in when it is called
 * unqualified or through {@code pg_catalog}; {@code myschema.lower(x)} is a user function. Side
 * effects are recognised by the last name segment whatever the schema, which can only err towards
 * the primary.
 */
final class FunctionRules {

    /** How a function affects routing. */
    enum Category {
        /** Built-in that only reads: stays replica-eligible. */
        READ_ONLY_BUILTIN,
        /** Writes, locks, consumes sequence values or reads per-connection state: primary. */
        SIDE_EFFECT,
        /** Answers differently per node (WAL position, recovery state, backend pid): primary. */
        NODE_SPECIFIC,
        /** Not built-in: ask the {@link dev.junction.router.FunctionCatalog}. */
        USER
    }

    private FunctionRules() {}

    private static Set<String> words(String... groups) {
        Set<String> s = new HashSet<>();
        for (String g : groups) {
            for (String w : g.trim().split("\\s+")) {
                if (!w.isEmpty()) {
                    s.add(w);
                }
            }
        }
        return Collections.unmodifiableSet(s);
    }

    // Shared by both dialects: SQL-standard and Calcite-resolved names.
    private static final Set<String> STANDARD = words(
            "count sum avg min max coalesce nullif greatest least cast extract position substring trim",
            "overlay convert translate upper lower abs ceil ceiling floor round mod power sqrt exp ln",
            "log log10 sign sin cos tan asin acos atan atan2 cot degrees radians pi rand random",
            "char_length character_length octet_length bit_length concat left right repeat replace",
            "reverse lpad rpad ltrim rtrim current_date current_time current_timestamp localtime",
            "localtimestamp now row_number rank dense_rank percent_rank cume_dist ntile lag lead",
            "first_value last_value nth_value stddev stddev_pop stddev_samp variance var_pop var_samp",
            "percentile_cont percentile_disc grouping rollup cube row array any_value any some every",
            "exists json_object json_array json_value json_query json_exists json_objectagg",
            "json_arrayagg json_array_length json_extract_path json_type json_depth");

    private static final Set<String> POSTGRES_BUILTINS = words(
            // aggregates and windows
            "array_agg string_agg json_agg jsonb_agg json_object_agg jsonb_object_agg json_agg_strict",
            "jsonb_agg_strict json_object_agg_strict jsonb_object_agg_strict bool_and bool_or bit_and",
            "bit_or bit_xor corr covar_pop covar_samp regr_avgx regr_avgy regr_count regr_intercept",
            "regr_r2 regr_slope regr_sxx regr_sxy regr_syy mode xmlagg range_agg range_intersect_agg",
            // math
            "cbrt div factorial gcd lcm min_scale scale trim_scale trunc width_bucket random_normal",
            "acosd asind atand atan2d cosd cotd sind tand sinh cosh tanh asinh acosh atanh erf erfc",
            // strings and binary
            "ascii btrim chr concat_ws convert_from convert_to decode encode format initcap length",
            "md5 normalize parse_ident pg_client_encoding quote_ident quote_literal quote_nullable",
            "regexp_count regexp_instr regexp_like regexp_match regexp_matches regexp_replace",
            "regexp_split_to_array regexp_split_to_table regexp_substr split_part starts_with",
            "string_to_array string_to_table strpos substr to_ascii to_hex unistr sha224 sha256",
            "sha384 sha512 get_bit get_byte set_bit set_byte bit_count crc32 crc32c",
            // date and time
            "age clock_timestamp date_bin date_part date_trunc isfinite justify_days justify_hours",
            "justify_interval make_date make_interval make_time make_timestamp make_timestamptz",
            "statement_timestamp timeofday transaction_timestamp to_timestamp to_char to_date",
            "to_number timezone date_add date_subtract pg_sleep pg_sleep_for pg_sleep_until",
            // json
            "to_json to_jsonb array_to_json row_to_json json_build_array jsonb_build_array",
            "json_build_object jsonb_build_object jsonb_object jsonb_array_length json_each jsonb_each",
            "json_each_text jsonb_each_text jsonb_extract_path json_extract_path_text",
            "jsonb_extract_path_text json_object_keys jsonb_object_keys json_populate_record",
            "jsonb_populate_record json_populate_recordset jsonb_populate_recordset",
            "json_array_elements jsonb_array_elements json_array_elements_text",
            "jsonb_array_elements_text json_typeof jsonb_typeof json_to_record jsonb_to_record",
            "json_to_recordset jsonb_to_recordset json_strip_nulls jsonb_strip_nulls jsonb_set",
            "jsonb_set_lax jsonb_insert jsonb_pretty jsonb_path_exists jsonb_path_match",
            "jsonb_path_query jsonb_path_query_array jsonb_path_query_first jsonb_path_exists_tz",
            "jsonb_path_match_tz jsonb_path_query_tz jsonb_path_query_array_tz",
            "jsonb_path_query_first_tz json_scalar json_serialize jsonb_populate_record_valid",
            // arrays and ranges
            "array_append array_cat array_dims array_fill array_length array_lower array_ndims",
            "array_position array_positions array_prepend array_remove array_replace array_to_string",
            "array_upper cardinality trim_array unnest array_sample array_shuffle generate_series",
            "generate_subscripts isempty lower_inc upper_inc lower_inf upper_inf range_merge",
            "int4range int8range numrange tsrange tstzrange daterange int4multirange int8multirange",
            "nummultirange tsmultirange tstzmultirange datemultirange multirange",
            // text search
            "to_tsvector to_tsquery plainto_tsquery phraseto_tsquery websearch_to_tsquery ts_rank",
            "ts_rank_cd ts_headline setweight strip numnode querytree ts_rewrite tsvector_to_array",
            "array_to_tsvector ts_lexize ts_debug ts_parse ts_token_type get_current_ts_config",
            // xml (the query_to_xml family runs SQL text and is deliberately absent)
            "xmlelement xmlforest xmlparse xmlserialize xmlconcat xmlcomment xmlpi xmlroot xpath",
            "xpath_exists xmlexists xml_is_well_formed xml_is_well_formed_document",
            "xml_is_well_formed_content xmltext",
            // network, uuid, misc
            "host hostmask masklen netmask network abbrev broadcast family inet_merge",
            "inet_same_family set_masklen text gen_random_uuid uuidv4 uuidv7 uuid_extract_timestamp",
            "uuid_extract_version num_nulls num_nonnulls bernoulli system system_rows system_time",
            // catalog and system information (same on every node of a physical replica set)
            "current_database current_schema current_schemas current_user current_role",
            "current_catalog current_setting session_user user version pg_typeof format_type",
            "to_regclass to_regproc to_regprocedure to_regoper to_regoperator to_regtype",
            "to_regtypemod to_regnamespace to_regrole to_regcollation pg_get_viewdef",
            "pg_get_constraintdef pg_get_indexdef pg_get_functiondef pg_get_function_arguments",
            "pg_get_function_result pg_get_function_identity_arguments pg_get_expr",
            "pg_get_serial_sequence pg_get_triggerdef pg_get_ruledef pg_get_statisticsobjdef",
            "pg_get_userbyid pg_get_keywords pg_get_partkeydef pg_get_partition_constraintdef",
            "obj_description col_description shobj_description has_table_privilege",
            "has_column_privilege has_any_column_privilege has_schema_privilege",
            "has_database_privilege has_function_privilege has_sequence_privilege",
            "has_type_privilege has_tablespace_privilege has_foreign_data_wrapper_privilege",
            "has_server_privilege has_language_privilege has_parameter_privilege pg_has_role",
            "pg_table_is_visible pg_type_is_visible pg_function_is_visible",
            "pg_collation_is_visible pg_conversion_is_visible pg_opclass_is_visible",
            "pg_operator_is_visible pg_relation_size pg_total_relation_size pg_table_size",
            "pg_indexes_size pg_database_size pg_tablespace_size pg_size_pretty pg_size_bytes",
            "pg_column_size pg_column_compression pg_relation_filenode pg_relation_filepath",
            "pg_encoding_to_char pg_char_to_encoding pg_index_column_has_property",
            "pg_index_has_property pg_indexam_has_property pg_tablespace_location",
            "pg_input_is_valid pg_input_error_info pg_jit_available pg_trigger_depth",
            "pg_options_to_table row_security_active pg_wal_lsn_diff pg_walfile_name",
            "pg_sequence_parameters pg_get_object_address pg_describe_object pg_identify_object",
            "pg_identify_object_as_address pg_type_is_visible pg_basetype pg_get_acl",
            "array_to_json pg_settings_get_flags pg_tablespace_databases pg_get_catalog_foreign_keys",
            // common read-only extension functions (pg_trgm, unaccent, uuid-ossp, pgcrypto, fuzzystrmatch)
            "similarity word_similarity strict_word_similarity show_trgm unaccent uuid_generate_v1",
            "uuid_generate_v1mc uuid_generate_v3 uuid_generate_v4 uuid_generate_v5 uuid_nil",
            "gen_random_bytes crypt gen_salt digest hmac pgp_sym_encrypt pgp_sym_decrypt",
            "levenshtein soundex difference metaphone dmetaphone",
            // type-named conversion functions
            "int2 int4 int8 float4 float8 numeric bool date time timestamp timestamptz interval",
            "uuid bytea varchar bpchar regclass regtype regproc oid inet cidr macaddr money jsonb",
            "json xml tsvector tsquery point box circle line lseg path polygon");

    private static final Set<String> MYSQL_BUILTINS = words(
            "acos adddate addtime aes_decrypt aes_encrypt ascii benchmark bin bin_to_uuid bit_and",
            "bit_count bit_or bit_xor char charset coercibility collation compress concat_ws conv",
            "convert_tz crc32 curdate current_role current_user curtime database date date_add",
            "date_format date_sub datediff day dayname dayofmonth dayofweek dayofyear default elt",
            "export_set extractvalue field find_in_set format format_bytes format_pico_time",
            "from_base64 from_days from_unixtime geomcollection group_concat hex hour if ifnull",
            "inet_aton inet_ntoa inet6_aton inet6_ntoa instr is_ipv4 is_ipv4_compat is_ipv4_mapped",
            "is_ipv6 is_uuid isnull json_array_append json_array_insert json_contains",
            "json_contains_path json_extract json_insert json_keys json_length json_merge",
            "json_merge_patch json_merge_preserve json_overlaps json_pretty json_quote json_remove",
            "json_replace json_schema_valid json_schema_validation_report json_search json_set",
            "json_storage_free json_storage_size json_table json_unquote json_valid json_detailed",
            "json_compact json_loose json_equals json_normalize json_exists json_arrayagg",
            "last_day lcase length locate log2 make_set makedate maketime md5 microsecond mid",
            "minute month monthname nvl nvl2 oct ord period_add period_diff pow quarter quote",
            "random_bytes regexp_instr regexp_like regexp_replace regexp_substr sec_to_time second",
            "sha sha1 sha2 sleep soundex space std str_to_date strcmp subdate substr",
            "substring_index subtime sysdate time time_format time_to_sec timediff timestamp",
            "timestampadd timestampdiff to_base64 to_days to_seconds truncate ucase uncompress",
            "uncompressed_length unhex unix_timestamp utc_date utc_time utc_timestamp uuid",
            "uuid_to_bin version week weekday weekofyear weight_string year yearweek schema",
            "session_user system_user user match against values sformat natural_sort_key",
            "column_get column_create column_exists column_list column_json column_check decode",
            "encode des_decrypt des_encrypt password old_password to_char",
            "uuid_short statement_digest statement_digest_text icu_version roles_graphml",
            "ps_current_thread_id ps_thread_id format_time sys_guid chr lpad rpad instr json_key_value",
            "distance st_distance mbrcontains mbrwithin point linestring polygon multipoint");

    /**
     * MySQL type names, which appear with a parenthesis in JSON_TABLE columns, CONVERT and RETURNING
     * clauses. They are no native functions: called as functions ({@code json(x)}, {@code
     * `decimal`(x)}) they can only be stored functions, so the token scanner skips them only in
     * those type positions.
     */
    private static final Set<String> MYSQL_TYPE_NAMES = words(
            "varchar decimal numeric int integer bigint smallint tinyint mediumint float double real",
            "binary varbinary datetime json enum text blob signed unsigned nchar char time date",
            "timestamp year bit dec fixed");

    private static final Set<String> POSTGRES_SIDE_EFFECTS = words(
            "nextval setval currval lastval pg_advisory_lock pg_advisory_lock_shared",
            "pg_try_advisory_lock pg_try_advisory_lock_shared pg_advisory_xact_lock",
            "pg_advisory_xact_lock_shared pg_try_advisory_xact_lock pg_try_advisory_xact_lock_shared",
            "pg_advisory_unlock pg_advisory_unlock_shared pg_advisory_unlock_all txid_current",
            "txid_current_if_assigned pg_current_xact_id pg_current_xact_id_if_assigned set_config",
            "setseed pg_notify pg_cancel_backend pg_terminate_backend pg_reload_conf",
            "pg_rotate_logfile pg_switch_wal pg_create_restore_point",
            "pg_create_physical_replication_slot pg_create_logical_replication_slot",
            "pg_drop_replication_slot pg_copy_physical_replication_slot",
            "pg_copy_logical_replication_slot pg_replication_slot_advance pg_logical_slot_get_changes",
            "pg_logical_slot_get_binary_changes pg_logical_emit_message pg_stat_reset",
            "pg_stat_reset_shared pg_stat_reset_single_table_counters",
            "pg_stat_reset_single_function_counters pg_stat_reset_slru pg_stat_reset_replication_slot",
            "pg_stat_reset_subscription_stats pg_stat_statements_reset pg_wal_replay_pause",
            "pg_wal_replay_resume pg_promote pg_backup_start pg_backup_stop pg_start_backup",
            "pg_stop_backup pg_export_snapshot pg_log_backend_memory_contexts pg_import_system_collations",
            "lo_create lo_creat lo_import lo_export lo_unlink lo_open lo_close lowrite lo_write",
            "lo_put lo_from_bytea lo_truncate lo_truncate64 lo_lseek lo_lseek64 dblink_exec",
            "dblink_connect dblink_send_query pg_file_write pg_file_unlink pg_file_rename",
            "pg_replication_origin_create pg_replication_origin_drop pg_replication_origin_advance",
            "pg_replication_origin_session_setup pg_replication_origin_xact_setup pg_prewarm",
            "pg_partition_tree_refresh pg_clear_relation_stats pg_restore_relation_stats",
            "pg_clear_attribute_stats pg_restore_attribute_stats");

    private static final Set<String> POSTGRES_NODE_SPECIFIC = words(
            "pg_is_in_recovery pg_current_wal_lsn pg_current_wal_insert_lsn pg_current_wal_flush_lsn",
            "pg_last_wal_receive_lsn pg_last_wal_replay_lsn pg_last_xact_replay_timestamp",
            "pg_is_wal_replay_paused pg_get_wal_replay_pause_state pg_backend_pid inet_server_addr",
            "inet_server_port inet_client_addr inet_client_port pg_postmaster_start_time",
            "pg_conf_load_time txid_current_snapshot pg_current_snapshot pg_control_checkpoint",
            "pg_control_system pg_control_recovery pg_control_init pg_blocking_pids",
            "pg_safe_snapshot_blocking_pids pg_current_logfile pg_read_file pg_read_binary_file",
            "pg_ls_dir pg_stat_file pg_ls_logdir pg_ls_waldir pg_ls_tmpdir pg_ls_archive_statusdir",
            "pg_last_committed_xact pg_xact_commit_timestamp pg_xact_status txid_status",
            "pg_get_wal_resource_managers pg_stat_get_activity pg_stat_get_wal_receiver",
            "pg_get_replication_slots pg_notification_queue_usage pg_listening_channels",
            "pg_backend_memory_contexts pg_get_backend_memory_contexts pg_my_temp_schema",
            "pg_is_other_temp_schema pg_get_shmem_allocations");

    private static final Set<String> MYSQL_SIDE_EFFECTS = words(
            "get_lock release_lock release_all_locks last_insert_id found_rows row_count nextval",
            "lastval setval master_pos_wait source_pos_wait master_gtid_wait",
            "wait_for_executed_gtid_set wait_until_sql_thread_after_gtids");

    private static final Set<String> MYSQL_NODE_SPECIFIC =
            words("is_used_lock is_free_lock load_file connection_id ps_current_thread_id");

    /** MySQL/MariaDB system variables whose value differs per node or per previous statement. */
    private static final Set<String> MYSQL_NODE_VARIABLES = words(
            "read_only super_read_only innodb_read_only hostname server_id server_uuid",
            "gtid_executed gtid_purged gtid_binlog_pos gtid_current_pos gtid_slave_pos",
            "gtid_binlog_state last_gtid gtid_owned log_bin pseudo_thread_id identity",
            "last_insert_id insert_id warning_count error_count rpl_semi_sync_master_enabled",
            "rpl_semi_sync_source_enabled rpl_semi_sync_slave_enabled wsrep_node_name",
            "wsrep_local_state wsrep_ready");

    /** PostgreSQL views whose rows describe the node answering (activity, locks, replication). */
    private static final Set<String> POSTGRES_NODE_TABLES = words(
            "pg_locks pg_replication_slots pg_prepared_xacts pg_backend_memory_contexts",
            "pg_replication_origin_status pg_cursors pg_prepared_statements pg_file_settings",
            "pg_hba_file_rules pg_ident_file_mappings pg_shmem_allocations pg_wait_events",
            "pg_available_extensions pg_config");

    /** MySQL schemas and information_schema tables that describe the node answering. */
    private static final Set<String> MYSQL_NODE_SCHEMAS = words("performance_schema sys");

    private static final Set<String> MYSQL_NODE_TABLES = words(
            "processlist innodb_trx innodb_locks innodb_lock_waits innodb_metrics global_status",
            "session_status global_variables session_variables user_variables_by_thread",
            "innodb_buffer_pool_stats");

    /** A MySQL type name ({@code lower} in lower case) that may follow a type position with a parenthesis. */
    static boolean mysqlTypeName(String lower) {
        return MYSQL_TYPE_NAMES.contains(lower);
    }

    /** Categorises a call. {@code name} is lower case, possibly {@code schema.name}. */
    static Category categorize(Dialect dialect, String name) {
        int dot = name.lastIndexOf('.');
        String base = dot < 0 ? name : name.substring(dot + 1);
        String schema = dot < 0 ? null : name.substring(0, dot);
        boolean postgres = dialect == Dialect.POSTGRESQL;
        if (postgres ? POSTGRES_SIDE_EFFECTS.contains(base) : MYSQL_SIDE_EFFECTS.contains(base)) {
            return Category.SIDE_EFFECT;
        }
        if (postgres ? POSTGRES_NODE_SPECIFIC.contains(base) : MYSQL_NODE_SPECIFIC.contains(base)) {
            return Category.NODE_SPECIFIC;
        }
        boolean systemSchema =
                schema == null || (postgres && (schema.equals("pg_catalog") || schema.equals("information_schema")));
        if (!systemSchema) {
            return Category.USER;
        }
        if (STANDARD.contains(base) || (postgres ? POSTGRES_BUILTINS.contains(base) : MYSQL_BUILTINS.contains(base))) {
            return Category.READ_ONLY_BUILTIN;
        }
        // PostGIS / MySQL spatial functions, and information_schema's own helpers, only read.
        if (base.startsWith("st_") || (postgres && base.startsWith("_pg_"))) {
            return Category.READ_ONLY_BUILTIN;
        }
        if (postgres && base.startsWith("pg_stat_get")) {
            return Category.NODE_SPECIFIC;
        }
        return Category.USER;
    }

    /** The pin a call creates: session advisory locks and session settings made by a query. */
    static PinReason pinFor(Dialect dialect, String name) {
        int dot = name.lastIndexOf('.');
        String base = dot < 0 ? name : name.substring(dot + 1);
        if (dialect == Dialect.POSTGRESQL) {
            switch (base) {
                case "pg_advisory_lock":
                case "pg_advisory_lock_shared":
                case "pg_try_advisory_lock":
                case "pg_try_advisory_lock_shared":
                    return PinReason.ADVISORY_LOCK;
                case "set_config":
                    return PinReason.UNREPLAYABLE_SESSION_STATE;
                default:
                    return null;
            }
        }
        return base.equals("get_lock") ? PinReason.ADVISORY_LOCK : null;
    }

    /** A table or view whose content depends on the node that answers. {@code table} as extracted. */
    static boolean nodeSpecificTable(Dialect dialect, String table) {
        String lower = table.toLowerCase(java.util.Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        String base = dot < 0 ? lower : lower.substring(dot + 1);
        String schema = dot < 0 ? null : lower.substring(0, dot);
        if (dialect == Dialect.POSTGRESQL) {
            boolean catalog = schema == null || schema.equals("pg_catalog");
            return catalog
                    && (base.startsWith("pg_stat_")
                            || base.startsWith("pg_statio_")
                            || POSTGRES_NODE_TABLES.contains(base));
        }
        if (schema != null && MYSQL_NODE_SCHEMAS.contains(schema)) {
            return true;
        }
        return "information_schema".equals(schema) && MYSQL_NODE_TABLES.contains(base);
    }

    /** A MySQL {@code @@[scope.]name} reference whose value depends on the node. */
    static boolean nodeSpecificVariable(String variable) {
        String v = variable.toLowerCase(java.util.Locale.ROOT);
        int dot = v.lastIndexOf('.');
        String base = dot < 0 ? v.replace("@", "") : v.substring(dot + 1);
        return MYSQL_NODE_VARIABLES.contains(base);
    }
}
