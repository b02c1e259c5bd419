"""Reporting's HTTP API: read-only figures for the ministry's dashboards."""
from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.reporting.domain.budget import DISTRICT_RULE, QUARTER_RULE
from services.reporting.schemas import (BatchReport, BudgetComponentReport, BudgetReport, CooperativeReport,
                                        DistrictReport, LearningReport,
                                        SatisfactionReport, SectorReport, Summary)
from services.reporting.service_layer import reports
from shared.auth import Principal, Role, require
from shared.deps import UowDep
from shared.observability import RegistryView

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
Viewer = Annotated[Principal, Depends(require(Role.ADMIN, Role.VIEWER, Role.TRAINER, Role.DISTRICT_OFFICER))]
FiscalYear = Annotated[int | None, Query(ge=2000, le=2100, description="Tahun anggaran, mis. 2023")]
ProgrammeId = Annotated[uuid.UUID | None, Query(description="Hanya angkatan program ini")]
# The scraper of the business gauges: the ministry's viewers and admins, or a service account (role reconciler)
# that Prometheus signs in as with client credentials at identity's /api/v1/auth/token.
MetricsReader = Annotated[Principal, Depends(require(Role.ADMIN, Role.VIEWER, Role.RECONCILER))]


def report_args(request: Request, fiscal_year, programme_id) -> dict:
    return {"fiscal_year": fiscal_year, "programme_id": programme_id,
            "default_target": request.app.state.settings.default_target_cooperatives}


@router.get("/summary", response_model=Summary, summary="Ringkasan capaian")
async def get_summary(request: Request, principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                      programme_id: ProgrammeId = None):
    async with uow:
        return await reports.summary(uow.session, **report_args(request, fiscal_year, programme_id))


@router.get("/districts", response_model=DistrictReport, summary="Capaian per kabupaten/kota")
async def get_districts(request: Request, principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                        programme_id: ProgrammeId = None):
    async with uow:
        return await reports.breakdown(uow.session, "districts",
                                       **report_args(request, fiscal_year, programme_id))


@router.get("/sectors", response_model=SectorReport, summary="Capaian per sektor usaha")
async def get_sectors(request: Request, principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                      programme_id: ProgrammeId = None):
    async with uow:
        return await reports.breakdown(uow.session, "sectors",
                                       **report_args(request, fiscal_year, programme_id))


@router.get("/cooperative-types", response_model=SectorReport, summary="Capaian per jenis koperasi")
async def get_cooperative_types(request: Request, principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                                programme_id: ProgrammeId = None):
    async with uow:
        return await reports.breakdown(uow.session, "cooperative-types",
                                       **report_args(request, fiscal_year, programme_id))


@router.get("/sexes", response_model=SectorReport, summary="Capaian per jenis kelamin")
async def get_sexes(request: Request, principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                    programme_id: ProgrammeId = None):
    async with uow:
        return await reports.breakdown(uow.session, "sexes",
                                       **report_args(request, fiscal_year, programme_id))


@router.get("/batches", response_model=BatchReport, summary="Capaian per angkatan")
async def get_batches(request: Request, principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                      programme_id: ProgrammeId = None):
    async with uow:
        return await reports.breakdown(uow.session, "batches",
                                       **report_args(request, fiscal_year, programme_id))


@router.get("/budget-components", response_model=BudgetComponentReport,
            summary="Anggaran per komponen DAK: rencana dan realisasi angkatan yang ditutup, per triwulan")
async def get_budget_components(principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                                programme_id: ProgrammeId = None):
    async with uow:
        return await reports.budget_components(uow.session, fiscal_year=fiscal_year,
                                               programme_id=programme_id)


@router.get("/learning", response_model=LearningReport,
            summary="Hasil belajar: rata-rata pre-test, post-test, kenaikan (post − pre, hanya peserta dengan kedua "
                    "nilai) dan bagian peserta yang naik, per angkatan, kabupaten/kota, sektor dan program")
async def get_learning(principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                       programme_id: ProgrammeId = None):
    async with uow:
        return await reports.learning(uow.session, fiscal_year=fiscal_year,
                                      programme_id=programme_id)


@router.get("/satisfaction", response_model=SatisfactionReport,
            summary="Kepuasan peserta (skala 1–5): rata-rata per bagian dan tingkat pengisian per angkatan; per "
                    "narasumber (kode, nama hanya bila bersedia) lintas angkatan, ditimbang jumlah jawaban")
async def get_satisfaction(principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                           programme_id: ProgrammeId = None):
    async with uow:
        return await reports.satisfaction(uow.session, fiscal_year=fiscal_year,
                                          programme_id=programme_id)


@router.get("/budget", response_model=BudgetReport,
            summary="Anggaran DAK tahun anggaran: pagu per program; rencana dan realisasi angkatan yang ditutup per "
                    "komponen, triwulan, kabupaten/kota peserta atau angkatan; daya serap; biaya per lulusan dan per "
                    "koperasi terlatih per komponen",
            description=f"{QUARTER_RULE} {DISTRICT_RULE}")
async def get_budget(principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                     programme_id: ProgrammeId = None,
                     by: Annotated[Literal["component", "quarter", "district", "batch"],
                                   Query(description="Rincian: component (komponen), quarter (triwulan), "
                                                     "district (kabupaten/kota peserta), batch (angkatan)")]
                     = "component"):
    async with uow:
        return await reports.budget_report(uow.session, fiscal_year=fiscal_year,
                                           programme_id=programme_id, by=by)


@router.get("/cooperatives", response_model=CooperativeReport,
            summary="Indikator koperasi per kabupaten/kota: aktif dan tidak aktif, anggota laki-laki dan perempuan, "
                    "nilai ODS, terlatih pada tahun anggaran, aktif yang belum terlatih")
async def get_cooperatives(principal: Viewer, uow: UowDep, fiscal_year: FiscalYear = None,
                           programme_id: ProgrammeId = None):
    async with uow:
        return await reports.cooperatives(uow.session, fiscal_year=fiscal_year,
                                          programme_id=programme_id)


@router.get("/metrics", summary="Metrik bisnis untuk Prometheus (per kabupaten/kota, anggaran DAK); perlu token",
            response_class=Response,
            responses={200: {"description": "Format teks Prometheus", "content": {CONTENT_TYPE_LATEST: {}}}})
async def business_metrics(request: Request, principal: MetricsReader):
    metrics = request.app.state.metrics
    return Response(generate_latest(RegistryView(metrics.registry, private=True)), media_type=CONTENT_TYPE_LATEST)

