ALTER TABLE "alerts" DROP COLUMN "raw";--> statement-breakpoint
-- Bodies are written once per delivery during alert storms; skipping pglz keeps that write cheap (disk is traded for CPU).
ALTER TABLE "alert_payloads" ALTER COLUMN "body" SET STORAGE EXTERNAL;