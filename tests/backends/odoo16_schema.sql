-- Odoo 16.0: the tables the odoo mapping reads, with the columns and types Odoo's ORM creates from
-- the model definitions named beside each table (fields.Char -> varchar, Text/Html -> text,
-- translated Char -> jsonb, Integer and Many2one -> integer, Float without digits -> double
-- precision, Monetary -> numeric, Datetime -> timestamp (UTC), Date -> date, Boolean -> boolean,
-- Selection -> varchar, Json -> jsonb; every model also has id, create_uid, create_date, write_uid,
-- write_date). Only the columns the mapping or the records use are created; Odoo's tables have more.
-- "checked" marks the tables compared with Odoo 16.0's own model files; the others are as in 17.0
-- (their columns the mapping reads are the same in every version it supports).

-- odoo/addons/base/models/ir_module.py (ir.module.module: latest_version is the version installed
-- in the database; base's is Odoo's own, 16.0.1.3)
CREATE TABLE ir_module_module (id serial PRIMARY KEY, name varchar NOT NULL, state varchar,
                               latest_version varchar);
-- odoo/addons/base/models/res_currency.py (res.currency)
CREATE TABLE res_currency (id serial PRIMARY KEY, name varchar NOT NULL, active boolean);
-- odoo/addons/base/models/res_company.py (res.company)
CREATE TABLE res_company (id serial PRIMARY KEY, name varchar NOT NULL, partner_id integer,
                          currency_id integer NOT NULL REFERENCES res_currency);
-- odoo/addons/base/models/res_partner.py (res.partner.industry: name and full_name translate=True)
CREATE TABLE res_partner_industry (id serial PRIMARY KEY, name jsonb, full_name jsonb, active boolean);
-- odoo/addons/base/models/res_partner.py (res.partner)
CREATE TABLE res_partner (id serial PRIMARY KEY, name varchar, company_id integer REFERENCES res_company,
                          industry_id integer REFERENCES res_partner_industry, email varchar,
                          active boolean, create_date timestamp);
-- odoo/addons/base/models/res_users.py (res.users: share is a stored compute)
CREATE TABLE res_users (id serial PRIMARY KEY, login varchar NOT NULL, partner_id integer NOT NULL
                        REFERENCES res_partner, company_id integer NOT NULL REFERENCES res_company,
                        share boolean, active boolean);
-- odoo/addons/base/models/ir_model.py (ir.model.fields: field_description translate=True)
CREATE TABLE ir_model_fields (id serial PRIMARY KEY, name varchar NOT NULL, model varchar NOT NULL,
                              field_description jsonb NOT NULL, ttype varchar NOT NULL, relation varchar);
-- addons/sales_team/models/crm_team.py and crm_team_member.py
CREATE TABLE crm_team (id serial PRIMARY KEY, name jsonb NOT NULL, user_id integer REFERENCES res_users,
                       company_id integer REFERENCES res_company, active boolean);
CREATE TABLE crm_team_member (id serial PRIMARY KEY, crm_team_id integer NOT NULL REFERENCES crm_team,
                              user_id integer NOT NULL REFERENCES res_users, active boolean);
-- addons/crm/models/crm_stage.py (crm.stage: name translate=True)
CREATE TABLE crm_stage (id serial PRIMARY KEY, name jsonb NOT NULL, sequence integer, is_won boolean,
                        fold boolean, team_id integer REFERENCES crm_team);
-- addons/crm/models/crm_lost_reason.py (crm.lost.reason, checked: name translate=True, active)
CREATE TABLE crm_lost_reason (id serial PRIMARY KEY, name jsonb NOT NULL, active boolean);
-- addons/utm/models/utm_medium.py, utm_source.py, utm_campaign.py (utm.campaign checked: name,
-- and title translate=True)
CREATE TABLE utm_medium (id serial PRIMARY KEY, name varchar NOT NULL, active boolean);
CREATE TABLE utm_source (id serial PRIMARY KEY, name varchar NOT NULL);
CREATE TABLE utm_campaign (id serial PRIMARY KEY, name varchar NOT NULL, title jsonb NOT NULL);
-- addons/crm/models/crm_lead.py (crm.lead, checked; campaign/medium/source from utm.mixin)
CREATE TABLE crm_lead (
    id serial PRIMARY KEY, name varchar NOT NULL, type varchar NOT NULL, active boolean,
    user_id integer REFERENCES res_users, team_id integer REFERENCES crm_team,
    company_id integer REFERENCES res_company, partner_id integer REFERENCES res_partner,
    stage_id integer REFERENCES crm_stage, lost_reason_id integer REFERENCES crm_lost_reason,
    medium_id integer REFERENCES utm_medium, source_id integer REFERENCES utm_source,
    campaign_id integer REFERENCES utm_campaign, expected_revenue numeric, probability double precision,
    date_open timestamp, date_conversion timestamp, date_closed timestamp, date_deadline date,
    date_last_stage_update timestamp, date_action_last timestamp,
    create_uid integer REFERENCES res_users, create_date timestamp, write_uid integer, write_date timestamp);
-- addons/mail/models/mail_activity_type.py (checked: name translate=True; category default,
-- upload_file, phonecall, and 'meeting' from addons/calendar; no keep_done yet)
CREATE TABLE mail_activity_type (id serial PRIMARY KEY, name jsonb NOT NULL, category varchar,
                                 res_model varchar, active boolean, sequence integer);
-- addons/mail/models/mail_activity.py (checked: no active or date_done: an activity marked done
-- is always deleted)
CREATE TABLE mail_activity (
    id serial PRIMARY KEY, res_model_id integer NOT NULL, res_model varchar, res_id integer,
    res_name varchar, activity_type_id integer REFERENCES mail_activity_type, summary varchar,
    note text, date_deadline date NOT NULL, automated boolean,
    user_id integer NOT NULL REFERENCES res_users, create_uid integer, create_date timestamp);
-- addons/mail/models/mail_message_subtype.py (checked: name translate=True, internal, res_model)
CREATE TABLE mail_message_subtype (id serial PRIMARY KEY, name jsonb NOT NULL, internal boolean,
                                   res_model varchar);
-- addons/mail/models/mail_message.py (mail.message; checked: message_type email, comment,
-- notification, user_notification, default email; the (model, res_id) index is created by the
-- model's init)
CREATE TABLE mail_message (
    id serial PRIMARY KEY, subject varchar, date timestamp, body text, model varchar, res_id integer,
    message_type varchar NOT NULL DEFAULT 'email', subtype_id integer REFERENCES mail_message_subtype,
    mail_activity_type_id integer REFERENCES mail_activity_type, is_internal boolean,
    email_from varchar, author_id integer REFERENCES res_partner, message_id varchar,
    create_uid integer, create_date timestamp);
CREATE INDEX mail_message_model_res_id_idx ON mail_message (model, res_id);
-- addons/mail/models/mail_tracking_value.py (checked: the tracked field is `field`, required, with
-- its label in field_desc and its type in field_type; monetary values have their own columns)
CREATE TABLE mail_tracking_value (
    id serial PRIMARY KEY, field integer NOT NULL REFERENCES ir_model_fields ON DELETE CASCADE,
    field_desc varchar NOT NULL, field_type varchar,
    old_value_integer integer, old_value_float double precision, old_value_monetary double precision,
    old_value_char varchar, old_value_text text, old_value_datetime timestamp,
    new_value_integer integer, new_value_float double precision, new_value_monetary double precision,
    new_value_char varchar, new_value_text text, new_value_datetime timestamp, currency_id integer,
    mail_message_id integer NOT NULL REFERENCES mail_message, tracking_sequence integer);
CREATE INDEX mail_tracking_value_mail_message_id_index ON mail_tracking_value (mail_message_id);
